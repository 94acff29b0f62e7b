#!/usr/bin/env bash
# Install everything the test suite needs, then lint, type-check and run every test.
#
#   bash tests/run.sh            # the whole suite (what .ci/run runs)
#   bash tests/run.sh -k fleet   # extra arguments go to pytest
#
# Installs with apt-get what the real-host tests need and the machine lacks
# (openssh-server, mmdebstrap, sudo, podman, runc; the machine's own sshd is
# never started), and the Python dependencies into .venv. Safe to run again.
# Real-host tests never skip: a host that cannot be made fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the real-host tests need from Debian, by the command that shows it is there:
# sshd (the loopback fleet starts its own), mmdebstrap (the test bed's images, see
# docs/testing.md), sudo (become), podman and runc (container tests).
# podman goes without its Recommends (crun, slirp4netns, …: not used here).
need="" lean=""
command -v /usr/sbin/sshd >/dev/null || need="$need openssh-server"
command -v mmdebstrap >/dev/null || need="$need mmdebstrap"
command -v sudo >/dev/null || need="$need sudo"
command -v podman >/dev/null || lean="$lean podman"
command -v runc >/dev/null || lean="$lean runc"
if [ -n "$need$lean" ]; then
  echo "== installing$need$lean"
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing:$need$lean; installing them needs root: run as root or install them" >&2
    exit 1
  fi
  # Keep apt from starting the machine's own sshd: the tests run their own on loopback.
  cleanup_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    cleanup_policy=1
  fi
  apt-get update -qq
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  [ -z "$need" ] || apt-get install -y -qq $need >/dev/null
  # shellcheck disable=SC2086
  [ -z "$lean" ] || apt-get install -y -qq --no-install-recommends $lean >/dev/null
  if [ -n "$cleanup_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
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
