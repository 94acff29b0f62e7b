from dataclasses import dataclass

import specops


@dataclass(frozen=True)
class BrokenArgs:
    pass


@specops.operation
class Broken(specops.Operation[BrokenArgs]):
    """An op whose plan has a bug."""

    kind = "site.broken"

    def plan(self, a: BrokenArgs, f: specops.Facts) -> list[specops.Change]:
        known: dict[str, specops.Change] = {}
        return [known["missing"]]  # the bug: a KeyError
