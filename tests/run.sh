#!/usr/bin/env bash
# Install everything the test suite needs, then lint, type-check and run every test.
#
#   bash tests/run.sh            # the whole suite (what .ci/run runs)
#   bash tests/run.sh -k fleet   # extra arguments go to pytest
#
# Installs openssh-server with apt-get when sshd is missing (the integration
# tests start their own sshd processes on 127.0.0.x; the system service is
# never started), and the Python dependencies into .venv. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/sbin/sshd ]; then
  echo "== installing openssh-server (the fleet tests start real sshd processes)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "sshd is missing and installing it needs root: run as root or install openssh-server" >&2
    exit 1
  fi
  # Keep apt from starting the system sshd: the tests run their own on loopback.
  cleanup_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    cleanup_policy=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
  if [ -n "$cleanup_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

if ! command -v mmdebstrap >/dev/null; then
  echo "== installing mmdebstrap (tests/targets.py builds disposable Debian hosts with it)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "mmdebstrap is missing and installing it needs root: run as root or install mmdebstrap" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
fi

if ! command -v sudo >/dev/null; then
  echo "== installing sudo (the connector contract tests check become through sudo -n)"
  if [ "$(id -u)" -ne 0 ]; then
    echo "sudo is missing and installing it needs root: run as root or install sudo" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
echo "== installing specops and its test dependencies into .venv"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy --strict"
.venv/bin/mypy -p specops -p tests
echo "== pytest"
.venv/bin/python -m pytest -p no:cacheprovider "$@"
