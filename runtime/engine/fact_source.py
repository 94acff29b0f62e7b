"""The fact source behind a spec's expressions: the compiler's ``FactSource`` over real hosts.

``HostFactSource`` reads, for each host, every fact the spec asks for with one
batched command (``facts.gather``) over the run's ``Pool``, all hosts in parallel.
A host that cannot be reached gives no facts; the compiler leaves its ops out and
the executor reports it unreachable. Which fact answers which spec name is the
families' business (``spec_facts.SPEC_FACTS``), handed in as a ``SpecFacts``.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from specops.compiler.facts import FactKey
from specops.compiler.inventory import Inventory
from specops.runtime.connectors import ConnectError
from specops.runtime.core.fact import FactError, SpecFacts
from specops.runtime.engine.gather import gather
from specops.runtime.engine.pool import Pool


class HostFactSource:
    def __init__(self, pool: Pool, inventory: Inventory, spec_facts: SpecFacts) -> None:
        self.pool = pool
        self.inventory = inventory
        self.spec_facts = spec_facts
        self.unreachable: dict[str, str] = {}

    def fetch(self, requests: Mapping[str, set[FactKey]]) -> Mapping[str, Mapping[FactKey, Any]]:
        def one(host: str) -> tuple[str, dict[FactKey, Any] | None]:
            target = self.inventory.host(host).connection
            keys = sorted(requests[host])
            ref, value = self.spec_facts.ref, self.spec_facts.value
            try:
                conn = self.pool.get(host, target)
                facts, _ = gather(conn, [ref(k) for k in keys])
            except (ConnectError, FactError) as e:
                self.unreachable[host] = str(e)
                return host, None
            return host, {k: value(k, facts[ref(k)]) for k in keys}

        with ThreadPoolExecutor(max_workers=min(32, max(1, len(requests)))) as ex:
            got = dict(ex.map(one, list(requests)))
        return {h: v for h, v in got.items() if v is not None}
