"""Record a fact fixture from a real host: run the fact's command, save output and parsed value.

    python -m tests.tools.record_fact files.FileInfo path=/etc/hostname --case regular_file
    python -m tests.tools.record_fact files.FileInfo path=/x --ssh root@127.0.0.11:2222 --case …

The value is what the parser returns today: review it before committing.
"""

from __future__ import annotations

import argparse
import json

from specops.compiler.inventory import parse_ssh_target
from specops.compiler.ir import LOCAL, Connection
from specops.runtime.catalog import CATALOG  # noqa: F401  (registers every fact)
from specops.runtime.connectors import connect
from specops.runtime.core.fact import Fact
from tests.fixtures import ROOT, save, to_json


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("fact")
    p.add_argument("params", nargs="*", help="NAME=VALUE")
    p.add_argument("--case", required=True)
    p.add_argument("--ssh", help="user@host:port (default: this machine)")
    p.add_argument("--key")
    p.add_argument("--known-hosts")
    ns = p.parse_args()
    fact = Fact.registry[ns.fact]
    params = dict(x.split("=", 1) for x in ns.params)
    target = LOCAL
    if ns.ssh:
        user, address, port = parse_ssh_target(ns.ssh) or (None, ns.ssh, None)
        opts = {k: v for k, v in (("key", ns.key), ("known_hosts", ns.known_hosts)) if v}
        target = Connection("ssh", user, address, port, opts)
    conn = connect(target)
    conn.open()
    try:
        r = conn.run("sh -s", stdin=fact.ref(**params).command().render() + "\n")
    finally:
        conn.close()
    out = ROOT / "facts" / ns.fact / f"{ns.case}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    save(out, {"params": params, "output": r.stdout, "value": to_json(fact.parse(r.stdout))})
    print(json.dumps({"saved": str(out), "exit": r.exited}))


if __name__ == "__main__":
    main()
