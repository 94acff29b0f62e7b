"""No injection, in the pure layer: hostile strings in every text argument of every op
kind and fixture case stay data in every command the op plans or reads facts with.

For each op kind, each case in ``tests/ops/<kind>/`` and each text position
(``tests/injection_cases.py``), every payload is put there and the op is planned
against the case's facts (remapped to the hostile arguments). Each command the
op would run (its changes' and its facts') must:

- carry the payload only in quoted parts, never in a ``raw()`` part;
- put each quoted part where single quotes quote: not inside a double-quoted,
  single-quoted or backquoted stretch that ``raw()`` parts opened;
- not hand the payload to a second shell (``sh -c``, ``eval``, ``python3 -c``,
  ``| sh``), except the arguments that are code by design (``CODE``);
- be valid shell (``bash -n``).

A payload validation refuses is a pass for that position, as long as the
refusal is a diagnostic. ``test_the_check_catches_unquoted_arguments`` shows
the check failing on the mistakes it is there to catch.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from specops.compiler.catalog import OpType
from specops.runtime.catalog import CATALOG, OPERATIONS
from specops.runtime.core.command import Command, Raw, Secret, raw, sh
from specops.runtime.core.fact import FactRef, Facts
from specops.runtime.core.operation import PlanError
from tests.fixtures import fact_ref, fact_type, from_json
from tests.injection_cases import (
    CODE,
    MARK,
    ROOT,
    defaults,
    fixture_args,
    hostile,
    payloads,
    positions,
)

TAG = "unit"
RUNS = f"touch {MARK}{TAG}"  # the text that must never be a command
SHELLS = {"sh", "bash", "dash", "zsh", "su", "runuser", "ssh"}
INTERPRETERS = {"python", "python3", "perl", "ruby", "node", "php"}
WRAPPERS = {"sudo", "env", "nohup", "exec", "command", "nice", "timeout", "xargs", "-exec", "if"}
KEYWORDS = {"then", "do", "else", "{", "}", "!"}
PUNCT = ";&|()\n"


def _scan(text: str, stack: list[str]) -> None:
    """Follow the shell's quoting through ``text`` (raw shell syntax), updating ``stack``."""
    i = 0
    while i < len(text):
        c, top = text[i], stack[-1]
        nxt = text[i + 1 : i + 2]
        if top == "sq":
            if c == "'":
                stack.pop()
        elif c == "\\":
            i += 1
        elif top == "bq":
            if c == "`":
                stack.pop()
        elif top == "arith":
            if text.startswith("))", i):
                stack.pop()
                i += 1
        elif c == "$" and nxt == "(":
            stack.append("arith" if text.startswith("$((", i) else "sub")
            i += 2 if stack[-1] == "arith" else 1
        elif c == "`":
            stack.append("bq")
        elif top == "dq":
            if c == '"':
                stack.pop()
        elif c == "'":
            stack.append("sq")
        elif c == '"':
            stack.append("dq")
        elif c == "(":
            stack.append("paren")
        elif c == ")" and top in ("sub", "paren"):
            stack.pop()
        i += 1


def problems(cmd: Command, code_ok: bool) -> list[str]:
    """What is wrong with how ``cmd`` carries the payload (empty: nothing)."""
    out = []
    stack = ["top"]
    for part in cmd.parts:
        if isinstance(part, Raw):
            if RUNS in part.text:
                out.append(f"payload in a raw part: {part.text!r}")
            _scan(part.text, stack)
        elif isinstance(part, str | Secret):
            text = part if isinstance(part, str) else part.value
            if RUNS in text and stack[-1] not in ("top", "sub", "paren"):
                out.append(f"quoted part inside an open {stack[-1]!r} context: {text!r}")
    rendered = cmd.render(stage="/tmp/stage")
    if RUNS not in rendered or code_ok:
        return out
    try:
        lex = shlex.shlex(rendered, posix=True, punctuation_chars=PUNCT)
        lex.whitespace = " \t\r"
        words = list(lex)
    except ValueError as e:
        return [*out, f"cannot split {rendered!r}: {e}"]
    for i, w in enumerate(words):
        if RUNS not in w:
            continue
        start = max((j + 1 for j in range(i) if _separates(words[j])), default=0)
        programs = _programs(words[start:i])
        prev = words[i - 1] if i else ""
        if "eval" in programs:
            out.append(f"payload given to eval: {rendered!r}")
        if prev == "-c" and SHELLS & programs:
            out.append(f"payload given to a shell as code: {rendered!r}")
        if prev in ("-c", "-e") and INTERPRETERS & programs:
            out.append(f"payload given to an interpreter as code: {rendered!r}")
        end = next((j for j in range(i, len(words)) if _separates(words[j])), len(words))
        if (
            words[end : end + 2][:1] == ["|"]
            and posix_base(words[end + 1 : end + 2] or [""]) in SHELLS
        ):
            out.append(f"payload piped into a shell: {rendered!r}")
    return out


def _programs(words: list[str]) -> set[str]:
    """The programs a simple command runs: its first word, and any word a wrapper
    (sudo, env, find -exec, xargs, ...) runs (``useradd -s /bin/bash`` runs no bash)."""
    out = set()
    for j, w in enumerate(words):
        if j == 0 or words[j - 1] in WRAPPERS or words[j - 1] == "--":
            out.add(posix_base(w))
    return out


def _separates(w: str) -> bool:
    return w in KEYWORDS or (w != "" and set(w) <= set(PUNCT))


def posix_base(w: str | list[str]) -> str:
    s = w[0] if isinstance(w, list) else w
    return s.rsplit("/", 1)[-1]


def facts_for(op: Any, base: Any, a: Any, case: dict[str, Any]) -> Facts:
    """The case's facts, keyed by the references the hostile arguments make."""
    given: dict[FactRef[Any], Any] = {
        fact_ref(e): from_json(fact_type(fact_ref(e).fact), e["value"]) for e in case["facts"]
    }
    want, had = op.facts(a), op.facts(base)
    values = dict(given)
    for i, ref in enumerate(want):
        if ref in values:
            continue
        if i < len(had) and had[i] in given and had[i].fact is ref.fact:
            values[ref] = given[had[i]]
        else:
            same = [v for r, v in given.items() if r.fact is ref.fact]
            if len(same) == 1:
                values[ref] = same[0]
    return Facts(values)


def commands(optype: OpType, valid: dict[str, Any], case: dict[str, Any]) -> Iterator[Command]:
    op = OPERATIONS[optype.kind]
    a = op.args(valid)
    base = op.args({**defaults(optype), **case["args"]})
    refs = op.facts(a)
    for ref in refs:
        yield ref.command()
    try:
        changes = op.plan(a, facts_for(op, base, a, case))
    except PlanError:
        return  # refused at plan time with a message: nothing runs
    except KeyError as e:
        if isinstance(e.args[0], FactRef):
            return  # a fact the remapping could not provide; the fact commands were checked
        raise
    for c in changes:
        yield from c.commands


# apt.update and server.reboot take no text.
KINDS = sorted(
    op.kind for op in CATALOG.builtins() if any(positions(op, fixture_args(op.kind)[0][1]))
)


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_arguments_stay_data(kind: str) -> None:
    optype = CATALOG.get(kind)
    assert optype is not None
    bad: list[str] = []
    seen: list[str] = []
    checked = refused = 0
    for name, args, case in fixture_args(kind):
        for p in positions(optype, args):
            code_ok = (kind, p.arg) in CODE
            for pname, payload in payloads(TAG):
                valid, _ = hostile(optype, args, p, payload, str(ROOT))
                if valid is None:
                    refused += 1
                    continue
                for cmd in commands(optype, valid, case):
                    checked += 1
                    seen.append(cmd.render(stage="/tmp/stage"))
                    bad += [f"{name} {p.label} {pname}: {x}" for x in problems(cmd, code_ok)]
    bad += _syntax_errors(seen)
    assert not bad, "\n".join(bad)
    assert checked or refused, f"{kind}: nothing was checked"


def _syntax_errors(scripts: list[str]) -> list[str]:
    """``bash -n`` over all commands at once; one by one only when that fails."""
    if _bash_n("\n".join(f"{{\n{s}\n}}" for s in scripts)) is None:
        return []
    return [f"not valid shell: {s!r}: {err}" for s in scripts if (err := _bash_n(s))]


def _bash_n(script: str) -> str | None:
    r = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    return r.stderr.strip() or "bash -n failed" if r.returncode else None


def test_every_position_is_tried() -> None:
    """Each op kind with a text argument has positions (so a new argument is covered)."""
    for optype in CATALOG.builtins():
        _, args, _ = fixture_args(optype.kind)[0]
        labels = {p.label for p in positions(optype, args)}
        text_args = {
            f.name
            for f in optype.fields()
            if "str" in str(optype.hints()[f.name]) or "dict" in str(optype.hints()[f.name])
        }
        assert {label.split("[")[0].split(".")[0] for label in labels} == text_args, optype.kind


@pytest.mark.parametrize(
    "cmd",
    [
        sh(raw(f"mkdir -p /srv/x{RUNS}")),  # an f-string into raw()
        sh(raw('echo "'), f"$({RUNS})", raw('"')),  # a quoted part inside double quotes
        sh(raw("echo '"), f"x';{RUNS};'", raw("'")),  # ... inside single quotes
        sh("sh", "-c", f"echo {RUNS}"),  # a value handed to a second shell
        sh(raw("eval"), f"x; {RUNS}"),
        sh("printf", "%s", RUNS, raw("| sh")),
    ],
    ids=["raw", "double-quoted", "single-quoted", "sh -c", "eval", "piped"],
)
def test_the_check_catches_unquoted_arguments(cmd: Command) -> None:
    assert problems(cmd, code_ok=False)


def test_the_check_passes_quoted_arguments() -> None:
    for _, payload in payloads(TAG):
        assert problems(sh("mkdir", "-p", "--", payload), code_ok=False) == []
        assert problems(sh(raw('[ "$(stat -c %s --'), payload, raw(')" -gt 0 ]')), False) == []
