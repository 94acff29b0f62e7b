"""Mutation testing of the pure layers with mutmut: do the unit tests catch small bugs?

    python -m tests.mutation                 # every listed module: the table of docs/mutation.md
    python -m tests.mutation --sample        # the bounded sample the test command runs
    python -m tests.mutation MODULE [...]    # some modules, e.g. specops.compiler.redact

mutmut (3.x) makes each mutant (an operator flipped, a constant changed, a call's
argument dropped, …) and runs the unit tests that reach the mutated function; a
mutant the tests let pass *survives*. The run happens in a copy of the checkout (a
temporary directory), so the working tree is never touched. The score of a module
is killed / (killed + survived), mutants no test reaches counting as survived.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The pure layers (issue: compiler, fact parsers, op plans and effects, exit codes,
# rendering, redaction). Left out: what talks to hosts or processes (connectors,
# executor, pool, fan-out, lock, events), generated docs, and the deploy recorder,
# whose context variables mutmut's trampolines do not carry.
LAYERS = ("specops/compiler/", "specops/runtime/")
NOT_MUTATED = (
    "specops/runtime/connectors/*",
    "specops/runtime/executor.py",
    "specops/runtime/pool.py",
    "specops/runtime/fanout.py",
    "specops/runtime/events.py",
    "specops/runtime/hostlock.py",
    "specops/runtime/planfile.py",
    "specops/runtime/opsdoc.py",
    "specops/runtime/fact_source.py",
    "specops/runtime/fetched.py",
    "specops/compiler/schema.py",
    "specops/compiler/pydeploy.py",
    "specops/compiler/extensions.py",
)
# The bounded sample: small modules whose tests are quick, each with its test files.
SAMPLE = {
    "specops/compiler/redact.py": [
        "tests/unit/test_redact.py",
        "tests/unit/test_oracles.py",
        "tests/unit/test_spec_language.py",
    ],
    "specops/compiler/terminal.py": ["tests/unit/test_terminal.py"],
    "specops/compiler/options.py": [
        "tests/unit/test_options.py",
        "tests/unit/test_python_deploys.py",
    ],
    "specops/runtime/reach.py": ["tests/unit/test_reach.py", "tests/unit/test_phases.py"],
    "specops/compiler/optimize_dedupe.py": [
        "tests/unit/test_optimize_dedupe.py",
        "tests/unit/test_oracles.py",
        "tests/unit/test_optimize_passes.py",
    ],
    "specops/runtime/packages_facts.py": [
        "tests/unit/test_fact_fixtures.py",
        "tests/unit/test_oracles.py",
    ],
}
THRESHOLD = 0.85
COPIED = (
    "specops", "runtime", "compiler", "tests", "examples", "schemas", "docs", "benchmarks",
    "README.md", "pyproject.toml",
)  # fmt: skip
KILLED = {1, 3, -24, 24, 36, 152, 255}  # tests failed, or the mutant hung until killed


@dataclass
class Score:
    module: str
    killed: int = 0
    survived: int = 0
    untested: int = 0
    survivors: tuple[str, ...] = ()

    @property
    def ratio(self) -> float:
        total = self.killed + self.survived + self.untested
        return self.killed / total if total else 1.0


def _config(sources: Sequence[str], tests: Sequence[str], excluded: Sequence[str]) -> str:
    def arr(xs: Sequence[str]) -> str:
        return "[" + ", ".join(json.dumps(x) for x in xs) + "]"

    # test_self_contained needs the git checkout; atheris runs its own fuzzing loop
    args = [
        "-p",
        "no:cacheprovider",
        "-q",
        "-x",
        "-k",
        "not nothing_points_outside and not atheris",
    ]
    return (
        "\n[tool.mutmut]\n"
        f"source_paths = {arr(sources)}\n"
        f"do_not_mutate = {arr(excluded)}\n"
        f"pytest_add_cli_args_test_selection = {arr(tests)}\n"
        f"also_copy = {arr(COPIED)}\n"
        f"pytest_add_cli_args = {arr(args)}\n"
    )


def run(
    sources: Sequence[str],
    tests: Sequence[str],
    excluded: Sequence[str] = (),
    keep: Path | None = None,
) -> list[Score]:
    """Mutate ``sources`` in a copy of the checkout; the score of each mutated module.

    ``keep``: make the copy there and leave it (``cd KEEP && mutmut show NAME``)."""
    with tempfile.TemporaryDirectory(prefix="specops-mutation-") as tmp:
        work = keep or Path(tmp) / "checkout"
        if keep is not None:
            shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(
            ROOT,
            work,
            symlinks=True,
            ignore=shutil.ignore_patterns(".venv", "mutants", ".git", "__pycache__", "*.egg-info"),
        )
        (work / "pyproject.toml").write_text(
            (work / "pyproject.toml").read_text() + _config(sources, tests, excluded)
        )
        mutmut = Path(sys.executable).with_name("mutmut")
        r = subprocess.run(
            [str(mutmut), "run"],
            cwd=work,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        scores = _read(work / "mutants")
        if r.returncode != 0 or not scores:
            tail = r.stdout.replace("\r", "\n")[-3000:] + r.stderr[-2000:]
            raise RuntimeError(f"mutmut produced no results (exit {r.returncode}):\n{tail}")
        return scores


def _read(mutants: Path) -> list[Score]:
    out = []
    for meta in sorted(mutants.rglob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text()).get("exit_code_by_key", {})
        if not codes:
            continue
        module = str(meta.relative_to(mutants)).removesuffix(".meta")
        s = Score(module)
        left = []
        for key, code in codes.items():
            if code in KILLED:
                s.killed += 1
            elif code == 0:
                s.survived += 1
                left.append(key)
            else:  # no test reached it (5, 33) or it was not run
                s.untested += 1
                left.append(key)
        s.survivors = tuple(left)
        out.append(s)
    return out


def table(scores: Sequence[Score]) -> str:
    lines = [
        "| module | mutants | killed | survived | not reached | score |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        total = s.killed + s.survived + s.untested
        lines.append(
            f"| `{s.module}` | {total} | {s.killed} | {s.survived} | {s.untested} | {s.ratio:.0%} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m tests.mutation", description=__doc__.splitlines()[0]
    )
    p.add_argument("modules", nargs="*", help="source files to mutate (default: the pure layers)")
    p.add_argument("--sample", action="store_true", help="the bounded sample of the test command")
    p.add_argument("--survivors", action="store_true", help="list the surviving mutants too")
    p.add_argument("--keep", type=Path, metavar="DIR", help="run in DIR and leave it (mutmut show)")
    args = p.parse_args(argv)
    if args.sample:
        tests = sorted({t for ts in SAMPLE.values() for t in ts})
        scores = run(list(SAMPLE), tests, keep=args.keep)
    else:
        excluded = () if args.modules else NOT_MUTATED
        scores = run(args.modules or list(LAYERS), ["tests/unit/"], excluded, args.keep)
    print(table(scores))
    if args.survivors:
        for s in scores:
            for key in s.survivors:
                print(key)
    low = [s for s in scores if s.ratio < THRESHOLD]
    return 1 if args.sample and low else 0


if __name__ == "__main__":
    sys.exit(main())
