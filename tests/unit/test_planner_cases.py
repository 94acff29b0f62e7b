"""Planning a host's ops against its facts (runtime/engine/planner.py), from plain data.

A toy op reads one file's content and sets it to a wanted value; its arguments make it
refuse, crash, guess its effect, reach further than it predicts or carry a secret. The
expected plans are written by hand.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from specops.compiler.ir import LOCAL, HostProgram, OpNode
from specops.runtime.core.command import SENSITIVE
from specops.runtime.core.fact import FactRef, Facts, Guess
from specops.runtime.core.operation import OPERATIONS, Action, Change, Operation, PlanError
from specops.runtime.core.reach import Reach, of_paths
from specops.runtime.engine.notify import Pending, marker
from specops.runtime.engine.outcomes import OpPlan
from specops.runtime.engine.planner import needed_facts, plan_ops
from specops.runtime.facts.files import FileContent

KIND = "test.planner_toy"


@dataclass(frozen=True)
class ToyArgs:
    path: str
    want: str = "new"
    reach: tuple[str, ...] = ()  # paths it may change beyond its prediction
    refuse: str = ""  # plan raises PlanError(refuse)
    crash: str = ""  # plan raises ValueError(crash)
    guess: bool = False  # its effect is a Guess
    depends: str = ""  # its change already depends on this op
    diff: str = ""  # its change's diff
    secret: str = ""  # a sensitive argument, quoted in its summary and messages


class Toy(Operation[ToyArgs]):
    kind = KIND

    def __init__(self) -> None:
        self.seen: list[tuple[str, object]] = []  # (path, SENSITIVE while planning)

    def facts(self, a: ToyArgs) -> list[FactRef[Any]]:
        return [FileContent.ref(path=a.path)]

    def plan(self, a: ToyArgs, f: Facts) -> list[Change]:
        self.seen.append((a.path, SENSITIVE.get()))
        if a.refuse:
            raise PlanError(a.refuse + a.secret)
        if a.crash:
            raise ValueError(a.crash + a.secret)
        ref = FileContent.ref(path=a.path)
        current: Any = f.get(ref, None)
        if current == a.want:
            return []
        return [
            Change(
                Action.UPDATE,
                f"set {a.path} to {a.want}{a.secret}",
                (),
                diff=a.diff or None,
                depends_on=a.depends or None,
            )
        ]

    def effects(self, a: ToyArgs, f: Facts) -> Mapping[FactRef[Any], Any]:
        return {FileContent.ref(path=a.path): Guess(a.want) if a.guess else a.want}

    def reach(self, a: ToyArgs) -> Reach:
        return of_paths(*a.reach)


@pytest.fixture(autouse=True)
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Toy]:
    op = Toy()
    monkeypatch.setitem(OPERATIONS, KIND, op)
    yield op


def op(
    i: str,
    *,
    notify: tuple[str, ...] = (),
    handler: bool = False,
    sensitive: tuple[str, ...] = (),
    **args: object,
) -> OpNode:
    return OpNode(i, KIND, args, notify=notify, handler=handler, sensitive=sensitive)


def host(*ops: OpNode) -> HostProgram:
    return HostProgram("h", LOCAL, ops)


def content(**paths: str) -> Facts:
    """Facts holding each file's content: ``content(a="old")`` is /a holding "old"."""
    return Facts({FileContent.ref(path=f"/{k}"): v for k, v in paths.items()})


def update(summary: str, depends_on: str | None = None) -> Change:
    return Change(Action.UPDATE, summary, (), depends_on=depends_on)


# -- handlers ---------------------------------------------------------------------------


def test_a_handler_nobody_notified_and_no_marker_plans_nothing() -> None:
    h = op("restart", handler=True, path="/a")
    assert plan_ops(host(h), content(a="old")) == (OpPlan(h, ()),)


def test_a_handler_left_pending_by_an_earlier_run_is_planned() -> None:
    h = op("restart", handler=True, path="/a")
    facts = content(a="old")
    facts.update({Pending.ref(): frozenset({marker("restart")})})
    assert plan_ops(host(h), facts) == (OpPlan(h, (update("set /a to new"),)),)


def test_only_the_handlers_own_marker_counts() -> None:
    h = op("restart", handler=True, path="/a")
    facts = content(a="old")
    facts.update({Pending.ref(): frozenset({marker("reload")})})
    assert plan_ops(host(h), facts) == (OpPlan(h, ()),)


def test_a_handler_notified_by_an_op_that_changes_is_planned() -> None:
    conf = op("conf", notify=("restart",), path="/c")
    h = op("restart", handler=True, path="/a")
    assert plan_ops(host(conf, h), content(c="old", a="old")) == (
        OpPlan(conf, (update("set /c to new"),)),
        OpPlan(h, (update("set /a to new"),)),
    )


def test_a_handler_notified_by_an_op_that_changes_nothing_plans_nothing() -> None:
    conf = op("conf", notify=("restart",), path="/c")
    h = op("restart", handler=True, path="/a")
    assert plan_ops(host(conf, h), content(c="new", a="old")) == (
        OpPlan(conf, ()),
        OpPlan(h, ()),
    )


def test_a_handler_due_from_an_earlier_phase_is_planned() -> None:
    conf = op("conf", notify=("restart",), path="/c")
    h = op("restart", handler=True, path="/a")
    later = host(h)
    assert plan_ops(later, content(a="old"), frozenset({"conf"}), host(conf, h)) == (
        OpPlan(h, (update("set /a to new"),)),
    )
    assert plan_ops(later, content(a="old"), frozenset({"other"}), host(conf, h)) == (
        OpPlan(h, ()),
    )


def test_ops_after_a_handler_that_plans_nothing_are_planned() -> None:
    h = op("restart", handler=True, path="/a")
    b = op("b", path="/b")
    assert plan_ops(host(h, b), content(a="old", b="old")) == (
        OpPlan(h, ()),
        OpPlan(b, (update("set /b to new"),)),
    )


# -- refusals and failures ---------------------------------------------------------------


def test_a_refusal_is_the_ops_alone_and_later_ops_are_planned() -> None:
    a = op("a", path="/a", refuse="no such file")
    b = op("b", path="/b")
    assert plan_ops(host(a, b), content(b="old")) == (
        OpPlan(a, (), "no such file"),
        OpPlan(b, (update("set /b to new"),)),
    )


def test_a_crashing_op_fails_alone_with_its_kind_and_the_exception() -> None:
    a = op("a", path="/a", crash="boom")
    b = op("b", path="/b")
    plans = plan_ops(host(a, b), content(b="old"))
    assert plans == (
        OpPlan(a, (), "test.planner_toy could not be planned: ValueError: boom"),
        OpPlan(b, (update("set /b to new"),)),
    )
    assert plans[0].waits_on is None and not plans[0].changes


def test_bad_arguments_fail_the_op_without_waiting_on_anything() -> None:
    a = op("a", path="/a", nope=1)
    (plan,) = plan_ops(host(a), content())
    assert plan.node == a and plan.changes == ()
    assert plan.error is not None
    assert plan.error.startswith("test.planner_toy could not be planned: TypeError: ")
    assert plan.waits_on is None


def test_the_secret_in_a_crash_message_is_scrubbed() -> None:
    a = op("a", path="/a", crash="boom ", secret="hunter2", sensitive=("secret",))
    assert plan_ops(host(a), content()) == (
        OpPlan(a, (), "test.planner_toy could not be planned: ValueError: boom (sensitive)"),
    )


def test_the_secret_in_a_refusal_is_scrubbed() -> None:
    a = op("a", path="/a", refuse="bad ", secret="hunter2", sensitive=("secret",))
    assert plan_ops(host(a), content()) == (OpPlan(a, (), "bad (sensitive)"),)


# -- waiting on an op's reach, guessed effects --------------------------------------------


def test_an_op_reading_inside_an_earlier_changing_ops_reach_waits_on_it() -> None:
    cmd = op("cmd", path="/x", reach=("/a",))
    a = op("a", path="/a/f")
    b = op("b", path="/b")
    assert plan_ops(host(cmd, a, b), Facts()) == (
        OpPlan(cmd, (update("set /x to new"),)),
        OpPlan(a, (update("set /a/f to new", depends_on="cmd"),), waits_on="cmd"),
        OpPlan(b, (update("set /b to new"),)),
    )


def test_a_change_that_already_depends_on_an_op_keeps_it_when_waiting() -> None:
    cmd = op("cmd", path="/x", reach=("/a",))
    a = op("a", path="/a/f", depends="other")
    assert plan_ops(host(cmd, a), Facts())[1] == OpPlan(
        a, (update("set /a/f to new", depends_on="other"),), waits_on="cmd"
    )


def test_a_change_that_already_depends_on_an_op_keeps_it_when_reading_a_guess() -> None:
    g = op("g", path="/a", guess=True, want="mid")
    a = op("a", path="/a", depends="other")
    assert plan_ops(host(g, a), Facts())[1] == OpPlan(
        a, (update("set /a to new", depends_on="other"),)
    )


def test_a_change_that_depends_on_nothing_keeps_depending_on_nothing() -> None:
    a = op("a", path="/a")
    assert plan_ops(host(a), Facts()) == (OpPlan(a, (update("set /a to new"),)),)


def test_a_refusal_of_a_waiting_op_is_provisional() -> None:
    cmd = op("cmd", path="/x", reach=("/a",))
    a = op("a", path="/a/f", refuse="no such file")
    plans = plan_ops(host(cmd, a), Facts())
    assert plans[1] == OpPlan(a, (), "no such file", waits_on="cmd")
    assert not plans[1].refused


def test_a_crash_of_a_waiting_op_says_what_it_waits_on() -> None:
    cmd = op("cmd", path="/x", reach=("/a",))
    a = op("a", path="/a/f", crash="boom")
    assert plan_ops(host(cmd, a), Facts())[1] == OpPlan(
        a,
        (),
        "test.planner_toy could not be planned: ValueError: boom",
        waits_on="cmd",
    )


def test_an_op_reading_a_guessed_fact_depends_on_the_op_that_guessed() -> None:
    g = op("g", path="/a", guess=True, want="mid")
    a = op("a", path="/a")
    same = op("same", path="/a", want="mid")
    assert plan_ops(host(g, a), content(a="old")) == (
        OpPlan(g, (update("set /a to mid"),)),
        OpPlan(a, (update("set /a to new", depends_on="g"),)),
    )
    # planned against the guess: nothing to do when it holds
    assert plan_ops(host(g, same), content(a="old")) == (
        OpPlan(g, (update("set /a to mid"),)),
        OpPlan(same, ()),
    )


def test_a_later_op_sees_an_earlier_ops_effect() -> None:
    a = op("a", path="/a", want="x")
    again = op("again", path="/a", want="x")
    assert plan_ops(host(a, again), content(a="old")) == (
        OpPlan(a, (update("set /a to x"),)),
        OpPlan(again, ()),
    )


# -- sensitive ops ----------------------------------------------------------------------


def test_a_sensitive_ops_change_is_scrubbed_and_hidden(toy: Toy) -> None:
    s = op("s", path="/s", secret="hunter2", diff="-a\n+b\n", sensitive=("secret",))
    t = op("t", path="/t", secret="hunter2", sensitive=("secret",))
    plans = plan_ops(host(s, t), Facts())
    assert plans == (
        OpPlan(
            s,
            (
                Change(
                    Action.UPDATE,
                    "set /s to new(sensitive)",
                    (),
                    diff="(diff hidden: the content holds sensitive values)\n",
                    hidden=True,
                ),
            ),
        ),
        OpPlan(t, (Change(Action.UPDATE, "set /t to new(sensitive)", (), hidden=True),)),
    )
    assert plans[1].changes[0].diff is None


def test_an_op_that_is_not_sensitive_is_shown_as_planned() -> None:
    p = op("p", path="/p", secret="hunter2", diff="-a\n+b\n")
    assert plan_ops(host(p), Facts()) == (
        OpPlan(p, (Change(Action.UPDATE, "set /p to newhunter2", (), diff="-a\n+b\n"),)),
    )


def test_an_op_is_planned_with_sensitive_set_to_whether_it_is_sensitive(toy: Toy) -> None:
    plan_ops(
        host(op("s", path="/s", sensitive=("secret",), secret="x"), op("p", path="/p")),
        Facts(),
    )
    assert toy.seen == [("/s", True), ("/p", False)]
    assert SENSITIVE.get() is False


# -- needed_facts -----------------------------------------------------------------------


def test_the_facts_needed_are_each_ops_and_pending_markers_when_there_is_a_handler() -> None:
    a = op("a", path="/a")
    h = op("h", handler=True, path="/h")
    assert needed_facts(host(a, h)) == [
        Pending.ref(),
        FileContent.ref(path="/a"),
        FileContent.ref(path="/h"),
    ]
    assert needed_facts(host(a)) == [FileContent.ref(path="/a")]


def test_an_op_with_bad_arguments_needs_no_facts() -> None:
    assert needed_facts(host(op("bad", path="/x", nope=1), op("a", path="/a"))) == [
        FileContent.ref(path="/a")
    ]
