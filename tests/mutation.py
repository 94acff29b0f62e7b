"""Mutation testing of the pure layers with mutmut: do the unit tests catch small bugs?

    python -m tests.mutation                      # every listed module, unit tests
    python -m tests.mutation --sample             # the bounded sample of the test command
    python -m tests.mutation MODULE [...]         # some modules, e.g. specops/compiler/redact.py
    python -m tests.mutation MODULE --tests tests/unit/test_redact.py --survivors
    python -m tests.mutation MODULE --record      # and write their rows into docs/mutation.md

mutmut (3.x) makes each mutant (an operator flipped, a constant changed, a call's
argument dropped, …) and runs the unit tests that reach the mutated function; a
mutant the tests let pass *survives*. The run happens in a copy of the checkout (a
temporary directory), so the working tree is never touched.

A surviving mutant that cannot change behaviour is *equivalent*: it is listed, with the
reason, in a file of tests/mutation_equivalent/ (module, function, the mutated line as
the mutant reads). A module's score is killed / (mutants - equivalent); mutants no test
reaches count as survivors.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EQUIVALENTS = ROOT / "tests" / "mutation_equivalent"
DOC = ROOT / "docs" / "mutation.md"
UNIT_TESTS = ("tests/unit/",)

# The pure layers (issue: compiler, fact parsers, op plans and effects, exit codes,
# rendering, redaction). Left out: what talks to hosts or processes (connectors,
# executor, pool, fan-out, lock, events), generated docs, and the deploy recorder
# (pydeploy, pyrecorder, pycalls), whose context variables and frames mutmut's
# trampolines do not carry.
LAYERS = ("specops/compiler/", "specops/runtime/", "specops/exitcodes.py")
NOT_MUTATED = (
    "specops/runtime/connectors/*",
    "specops/runtime/engine/executor.py",
    "specops/runtime/engine/pool.py",
    "specops/runtime/engine/fanout.py",
    "specops/runtime/engine/events.py",
    "specops/runtime/engine/hostlock.py",
    "specops/runtime/engine/planfile.py",
    "specops/runtime/opsdoc.py",
    "specops/runtime/stubs.py",
    "specops/runtime/engine/fact_source.py",
    "specops/runtime/engine/fetched.py",
    "specops/compiler/schema.py",
    "specops/compiler/pydeploy.py",
    "specops/compiler/pyrecorder.py",
    "specops/compiler/pycalls.py",
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
    "specops/runtime/core/reach.py": ["tests/unit/test_reach.py", "tests/unit/test_phases.py"],
    "specops/compiler/optimize_dedupe.py": [
        "tests/unit/test_optimize_dedupe.py",
        "tests/unit/test_oracles.py",
        "tests/unit/test_optimize_passes.py",
    ],
    "specops/runtime/facts/packages.py": [
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
# mutmut's name of a mutant: module.x_function__mutmut_N or module.xǁClassǁmethod__mutmut_N
_NAME = re.compile(r"^(?P<module>.+)\.x(?:ǁ(?P<cls>[^ǁ]+)ǁ|_)(?P<fn>.+)__mutmut_\d+$")


@dataclass(frozen=True)
class Mutant:
    """One mutant that no test killed: where it is and the lines it changes."""

    name: str
    function: str  # "func" or "Class.method"
    removed: tuple[str, ...]  # the original lines, stripped
    added: tuple[str, ...]  # the mutated lines, stripped
    reached: bool  # a unit test ran the function (False: "not reached")

    def show(self) -> str:
        lines = [f"{self.name}  ({self.function}{'' if self.reached else ', not reached'})"]
        lines += [f"  - {x}" for x in self.removed] + [f"  + {x}" for x in self.added]
        return "\n".join(lines)


@dataclass(frozen=True)
class Equivalent:
    module: str
    function: str
    mutant: str  # the mutated line(s), stripped, joined by newlines
    why: str


@dataclass
class Score:
    module: str
    killed: int = 0
    equivalent: int = 0
    survivors: list[Mutant] = field(default_factory=list)  # neither killed nor equivalent
    stale: list[Equivalent] = field(default_factory=list)  # listed, matching no mutant

    @property
    def survived(self) -> int:
        return sum(1 for m in self.survivors if m.reached)

    @property
    def untested(self) -> int:
        return sum(1 for m in self.survivors if not m.reached)

    @property
    def total(self) -> int:
        return self.killed + self.equivalent + len(self.survivors)

    @property
    def ratio(self) -> float:
        counted = self.total - self.equivalent
        return self.killed / counted if counted else 1.0


def function_of(name: str) -> str:
    """``Class.method`` or ``function`` from a mutmut mutant name."""
    m = _NAME.match(name)
    if m is None:
        raise ValueError(f"not a mutmut mutant name: {name}")
    return f"{m['cls']}.{m['fn']}" if m["cls"] else m["fn"]


def changed_lines(diff: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The removed and added lines of a unified diff, stripped (headers left out)."""
    removed, added = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            removed.append(line[1:].strip())
        elif line.startswith("+"):
            added.append(line[1:].strip())
    return tuple(removed), tuple(added)


def load_equivalents(where: Path = EQUIVALENTS) -> list[Equivalent]:
    """The listed equivalent mutants of every ``*.toml`` file in ``where`` (or of one file)."""
    out = []
    for path in [where] if where.is_file() else sorted(where.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        for i, e in enumerate(data.get("equivalent", [])):
            missing = {"module", "function", "mutant", "why"} - set(e)
            if missing or not str(e.get("why", "")).strip():
                raise ValueError(f"{path}: entry {i + 1} needs module, function, mutant and why")
            out.append(Equivalent(e["module"], e["function"], e["mutant"].strip(), e["why"]))
    return out


def is_listed(module: str, m: Mutant, equivalents: Iterable[Equivalent]) -> Equivalent | None:
    mutated = "\n".join(m.added)
    for e in equivalents:
        if e.module == module and e.function == m.function and e.mutant == mutated:
            return e
    return None


def score(
    module: str,
    codes: Mapping[str, int | None],
    diffs: Mapping[str, str],
    equivalents: Sequence[Equivalent],
) -> tuple[Score, set[Equivalent]]:
    """The score of one module from mutmut's exit codes; also the equivalents it used."""
    s = Score(module)
    used: set[Equivalent] = set()
    for name, code in codes.items():
        if code in KILLED:
            s.killed += 1
            continue
        removed, added = changed_lines(diffs.get(name, ""))
        # 0: the tests passed; 5 or 33: no test reached it; None: not run
        m = Mutant(name, function_of(name), removed, added, reached=code == 0)
        e = is_listed(module, m, equivalents)
        if e is not None:
            s.equivalent += 1
            used.add(e)
        else:
            s.survivors.append(m)
    return s, used


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


_DIFFS = """
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
todo = json.load(sys.stdin)
print(json.dumps({n: get_diff_for_mutant(n, path=p) for n, p in todo}))
"""


def run(
    sources: Sequence[str],
    tests: Sequence[str] = UNIT_TESTS,
    excluded: Sequence[str] = (),
    keep: Path | None = None,
    max_children: int | None = None,
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
        cmd = [str(mutmut), "run"]
        if max_children:
            cmd += ["--max-children", str(max_children)]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        r = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=env)
        codes = _read(work / "mutants")
        if r.returncode != 0 or not codes:
            tail = r.stdout.replace("\r", "\n")[-3000:] + r.stderr[-2000:]
            raise RuntimeError(f"mutmut produced no results (exit {r.returncode}):\n{tail}")
        todo = [(n, mod) for mod, cs in codes.items() for n, c in cs.items() if c not in KILLED]
        d = subprocess.run(
            [sys.executable, "-c", _DIFFS],
            cwd=work,
            input=json.dumps(todo),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        diffs: dict[str, str] = json.loads(d.stdout)
    equivalents = load_equivalents()
    scores = []
    for mod, cs in codes.items():
        s, used = score(mod, cs, diffs, equivalents)
        s.stale = [e for e in equivalents if e.module == mod and e not in used]
        scores.append(s)
    return scores


def _read(mutants: Path) -> dict[str, dict[str, int | None]]:
    out = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        codes: dict[str, int | None] = json.loads(meta.read_text()).get("exit_code_by_key", {})
        if codes:
            out[str(meta.relative_to(mutants)).removesuffix(".meta")] = codes
    return out


HEADER = (
    "| module | mutants | killed | equivalent | survived | not reached | score | at |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
)


def row(s: Score, at: str) -> str:
    return (
        f"| `{s.module}` | {s.total} | {s.killed} | {s.equivalent} | {s.survived} "
        f"| {s.untested} | {s.ratio:.0%} | {at} |"
    )


def table(scores: Sequence[Score], at: str = "") -> str:
    return "\n".join([*HEADER, *(row(s, at) for s in scores)]) + "\n"


BEGIN, END = "<!-- mutation-table: written by python -m tests.mutation --record -->", "<!-- /-->"


def record(
    scores: Sequence[Score],
    at: str,
    doc: Path = DOC,
    exists: Callable[[str], bool] = lambda module: (ROOT / module).exists(),
) -> None:
    """Write the rows of ``scores`` into the table of ``doc``: other modules' rows are
    kept, rows of modules that no longer exist (moved or split) are dropped."""
    with open(doc, "r+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)  # several runs may record at once
        text = f.read()
        head, _, rest = text.partition(BEGIN + "\n")
        old, _, tail = rest.partition(END)
        if not rest:
            raise ValueError(f"{doc} has no line {BEGIN}")
        rows = {}
        for line in old.splitlines():
            m = re.match(r"\| `([^`]+)` \|", line)
            if m and exists(m[1]):
                rows[m[1]] = line
        rows.update({s.module: row(s, at) for s in scores})
        new = "\n".join([*HEADER, *(rows[k] for k in sorted(rows))]) + "\n"
        f.seek(0)
        f.truncate()
        f.write(head + BEGIN + "\n" + new + END + tail)


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "?"
    return head + ("+" if git("status", "--porcelain", "--", *COPIED) else "")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m tests.mutation", description=__doc__.splitlines()[0]
    )
    p.add_argument("modules", nargs="*", help="source files to mutate (default: the pure layers)")
    p.add_argument("--sample", action="store_true", help="the bounded sample of the test command")
    p.add_argument("--tests", nargs="+", help="test files to run (default: tests/unit/)")
    p.add_argument("--survivors", action="store_true", help="show each surviving mutant's change")
    p.add_argument("--keep", type=Path, metavar="DIR", help="run in DIR and leave it (mutmut show)")
    p.add_argument("--max-children", type=int, metavar="N", help="mutants run at once")
    p.add_argument("--record", action="store_true", help="write the rows into docs/mutation.md")
    args = p.parse_args(argv)
    if args.record and (args.sample or args.tests):
        p.error("--record takes the score of the whole unit suite: no --sample or --tests")
    if args.sample:
        tests = sorted({t for ts in SAMPLE.values() for t in ts})
        scores = run(list(SAMPLE), tests, keep=args.keep, max_children=args.max_children)
    else:
        excluded = () if args.modules else NOT_MUTATED
        scores = run(
            args.modules or list(LAYERS),
            args.tests or UNIT_TESTS,
            excluded,
            args.keep,
            args.max_children,
        )
    at = commit()
    print(table(scores, at))
    if args.survivors:
        for s in scores:
            for m in s.survivors:
                print(m.show())
    for s in scores:
        for e in s.stale:
            print(f"listed as equivalent, matches no mutant: {e.module} {e.function}: {e.mutant}")
    if args.record:
        record(scores, at)
    low = [s for s in scores if s.ratio < THRESHOLD]
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
