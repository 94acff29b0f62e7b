"""Coverage-guided fuzzing (atheris/libFuzzer) of everything that reads hostile input:
the TOML and YAML loaders, the template and expression language, and every fact parser.

    python tests/fuzz/fuzz_inputs.py --seeds corpus/      # a starting corpus from the repo
    python tests/fuzz/fuzz_inputs.py corpus/ -max_total_time=600
    python tests/fuzz/fuzz_inputs.py crash-<hash>        # replay a saved input

The contract (docs/reliability.md): any input gives a result or a diagnostic
(``SpecError``; for fact parsers ``ValueError``/``IndexError``, reported against the
host). Any other exception is a crash: libFuzzer saves the input and exits non-zero.
Hangs are caught by ``-timeout`` (seconds per input), memory by ``-rss_limit_mb``.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

with atheris.instrument_imports(include=["specops"]):
    from specops.compiler.diagnostics import SpecError
    from specops.compiler.evaluate import Env, evaluate, render
    from specops.compiler.expr import parse_expression, parse_template
    from specops.compiler.functions import builtins
    from specops.compiler.load_toml import load_toml
    from specops.compiler.load_yaml import load_yaml
    from specops.compiler.source import Span
    from specops.runtime.catalog import CATALOG  # noqa: F401  (registers every fact)
    from specops.runtime.core.fact import Fact

FACTS = sorted(Fact.registry)
FUNCTIONS = builtins(Path("/nonexistent"), environ={"TOKEN": "s3cret"})
SCOPE: dict[str, Any] = {
    "app": "shop",
    "port": 8080,
    "items": [1, "two", None],
    "db": {"host": "db1", "ports": [5432]},
}


def at(start: int, end: int) -> Span:
    return Span("fuzz", 1, start + 1, 1, end + 1)


def one(data: bytes) -> None:
    """First byte: what to feed (0 TOML, 1 YAML, 2 template, 3 expression, 4 a fact
    parser, chosen by the second byte); the rest, as UTF-8: the input."""
    if not data:
        return
    target = data[0] % 5
    if target == 4:
        name = FACTS[data[1] % len(FACTS)] if len(data) > 1 else FACTS[0]
        # ValueError, IndexError: the parsers' documented "no", reported against the host
        with contextlib.suppress(ValueError, IndexError):
            Fact.registry[name].parse(data[2:].decode("utf-8", "surrogateescape"))
        return
    text = data[1:].decode("utf-8", "replace")
    try:
        if target == 0:
            load_toml(text, "fuzz.toml")
        elif target == 1:
            load_yaml(text, "fuzz.yaml")
        elif target == 2:
            render(parse_template(text, at), Env(SCOPE, at, FUNCTIONS))
        else:
            evaluate(parse_expression(text, at), Env(SCOPE, at, FUNCTIONS))
    except SpecError as e:
        if not e.diagnostics:
            raise AssertionError("a SpecError without a diagnostic") from e


def seeds(into: Path) -> None:
    """A starting corpus from the repository: the examples, the docs' snippets' files,
    every recorded fact output (so the fuzzer starts from real inputs)."""
    root = Path(__file__).resolve().parents[2]
    into.mkdir(parents=True, exist_ok=True)
    n = 0
    for f in sorted(root.glob("examples/**/*")):
        if f.suffix in (".toml", ".yaml"):
            kind = 0 if f.suffix == ".toml" else 1
            (into / f"seed-{n}").write_bytes(bytes([kind]) + f.read_bytes())
            n += 1
    for t, text in ((2, "x=${ port + 1 } ${ db.host }"), (3, "len(items) > 1 and app in ['shop']")):
        (into / f"seed-{n}").write_bytes(bytes([t]) + text.encode())
        n += 1
    for f in sorted(root.glob("tests/facts/*/*.json")):
        case = json.loads(f.read_text())
        if isinstance(case.get("output"), str) and f.parent.name in FACTS:
            i = FACTS.index(f.parent.name)
            (into / f"seed-{n}").write_bytes(bytes([4, i]) + case["output"].encode())
            n += 1


def main(argv: list[str]) -> None:
    if "--seeds" in argv:  # write the starting corpus into the given directory, then stop
        seeds(Path(argv[argv.index("--seeds") + 1]))
        return
    atheris.Setup(argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
