"""Disposable hosts by hand, for trying specops against a real Debian host.

    python -m tests.testbed image [--init systemd]        # build the image (once)
    python -m tests.testbed start NAME 127.0.9.1 [--init systemd]
    python -m tests.testbed list
    python -m tests.testbed stop NAME

Hosts made here live under ``HOME/manual`` (``SPECOPS_TESTBED``, default
``/var/tmp/specops-testbed``); ``start`` prints the inventory entry and an ssh
command line.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from .host import Host, load, start, stop
from .image import HOME, TestbedError, ensure

MANUAL = HOME / "manual"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.testbed", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    i = sub.add_parser("image", help="build the cached image")
    i.add_argument("--init", choices=("tiny", "systemd"), default="tiny")
    s = sub.add_parser("start", help="make and boot a host")
    s.add_argument("name")
    s.add_argument("address", help="a 127.x address of this machine")
    s.add_argument("--init", choices=("tiny", "systemd"), default="tiny")
    s.add_argument("--allow-services", action="store_true", help="let apt start services")
    sub.add_parser("list", help="the hosts made here")
    t = sub.add_parser("stop", help="stop a host and remove its files")
    t.add_argument("name")
    args = p.parse_args(argv)
    try:
        if args.command == "image":
            print(ensure(args.init).tarball)
        elif args.command == "start":
            services = "allow" if args.allow_services else "deny"
            h = start(args.name, args.address, MANUAL, args.init, services=services)
            print(f'[hosts.{h.name}]\nssh = "{h.ssh_target}"\nkey = "{h.key}"')
            print(f'known_hosts = "{h.known_hosts}"\n')
            print(shlex.join(h.ssh_argv()))
        elif args.command == "list":
            for h in _hosts():
                print(f"{h.name}\t{h.ssh_target}\tinit={h.init}\t{h.dir}")
        else:
            host = load(MANUAL / args.name)
            if host is None:
                print(f"no host {args.name} under {MANUAL}", file=sys.stderr)
                return 1
            stop(host)
    except TestbedError as e:
        print(f"testbed: {e}", file=sys.stderr)
        return 1
    return 0


def _hosts() -> list[Host]:
    found = [load(d) for d in sorted(MANUAL.iterdir())] if MANUAL.is_dir() else []
    return [h for h in found if h is not None]


if __name__ == "__main__":
    sys.exit(main())
