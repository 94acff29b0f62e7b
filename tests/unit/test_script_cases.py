"""The apply script of one host and reading its outcome back (runtime/engine/script.py), on plain
plans; every expected script and outcome is written out by hand."""

from __future__ import annotations

import hashlib

from specops.compiler.ir import OpNode
from specops.runtime.core.command import Command, Staged, raw, secret, sh
from specops.runtime.core.operation import Action, Change
from specops.runtime.engine.outcomes import HostPlan, OpPlan, OpResult, Status
from specops.runtime.engine.script import (
    OpWatcher,
    apply_script,
    as_user,
    read_results,
    staging,
    uploads,
)

PENDING = '"$HOME/.specops/pending"'


def marker(handler_id: str) -> str:
    return hashlib.sha256(handler_id.encode()).hexdigest()[:24]


def change(*commands: Command, summary: str = "do") -> Change:
    return Change(Action.RUN, summary, commands)


def opplan(i: str, *changes: Change, error: str | None = None, **node: object) -> OpPlan:
    return OpPlan(OpNode(i, "server.shell", {}, **node), changes, error)  # type: ignore[arg-type]


def plan(*ops: OpPlan) -> HostPlan:
    return HostPlan("h", "@local", ops)


# -- sudo -----------------------------------------------------------------------------


def test_root_without_a_password_never_prompts() -> None:
    assert as_user("echo hi", True, None) == "sudo -n -p '' -- sh -c 'echo hi'"


def test_a_named_user_with_a_password_reads_it_from_a_pipe() -> None:
    assert as_user("id", "app", "pa ss'") == (
        "printf '%s\\n' 'pa ss'\"'\"'' | sudo -S -p '' -u app -- sh -c id"
    )


def test_only_sudos_own_options_are_changed_not_the_script() -> None:
    assert as_user("sudo -p x id", True, None) == "sudo -n -p '' -- sh -c 'sudo -p x id'"
    assert as_user("sudo -p x id", "app", "pw") == (
        "printf '%s\\n' pw | sudo -S -p '' -u app -- sh -c 'sudo -p x id'"
    )


def test_an_empty_password_is_still_sent() -> None:
    assert as_user("id", True, "") == "printf '%s\\n' '' | sudo -S -p '' -- sh -c id"


# -- uploads and staging --------------------------------------------------------------


def test_uploads_of_every_op_up_to_the_first_refused_one() -> None:
    a = Command((Staged("a"),), uploads=(("a", b"A"),))
    b = Command((Staged("b"),), uploads=(("b", b"B"), ("b2", b"B2")))
    c = Command((Staged("c"),), uploads=(("c", b"C"),))
    p = plan(
        opplan("one", change(a), change(sh("true"), b)),
        opplan("two"),
        opplan("three", change(c), error="refused"),
        opplan("four", change(c)),
    )
    assert uploads(p) == {"a": b"A", "b": b"B", "b2": b"B2"}
    assert uploads(plan()) == {}


def test_staging_of_the_only_apply_removes_every_other_run() -> None:
    assert staging("run 1", "s1", sole=True) == (
        'u="$HOME/.specops/upload"; mkdir -p -m 700 "$u" && chmod 700 "$u" && cd "$u" && '
        "find . -mindepth 1 -maxdepth 1 ! -name 'run 1' -exec rm -rf -- {} + ; "
        "mkdir -p -m 700 'run 1'/s1 && cd 'run 1'/s1 && pwd -P"
    )


def test_staging_beside_other_applies_removes_only_hour_old_runs() -> None:
    assert staging("r", "s", sole=False) == (
        'u="$HOME/.specops/upload"; mkdir -p -m 700 "$u" && chmod 700 "$u" && cd "$u" && '
        "find . -mindepth 1 -maxdepth 1 ! -name r -mmin +60 -exec rm -rf -- {} + ; "
        "mkdir -p -m 700 r/s && cd r/s && pwd -P"
    )


# -- the script -----------------------------------------------------------------------


def test_nothing_to_change_is_an_empty_script() -> None:
    assert apply_script(plan(opplan("a"), opplan("b")), "N") == ""
    assert apply_script(plan(), "N") == ""


def test_the_script_runs_each_changed_op_between_markers_and_stops_at_a_refused_one() -> None:
    p = plan(
        opplan("a", change(sh("echo", "A")), notify=("h", "gone")),
        opplan("b"),
        opplan("c", change(sh("touch", "/f")), change(sh("rm", "/g")), become="app"),
        opplan("h", change(sh("systemctl", "reload", "nginx")), handler=True),
        opplan("d", change(sh("echo", "D")), error="refused"),
        opplan("e", change(sh("echo", "E"))),
    )
    mark = marker("h")
    assert apply_script(p, "N") == "\n".join(
        [
            "printf '%s\\n' '@@specops:N:op:0'",
            "( set -e",
            "echo A",
            f"mkdir -p {PENDING} && for m in {mark}; do : > {PENDING}/$m; done",
            ") </dev/null 2>&1",
            "rc=$?",
            "printf '\\n@@specops:N:rc:0 %d\\n' \"$rc\"",
            '[ "$rc" -eq 0 ] || exit "$rc"',
            "printf '%s\\n' '@@specops:N:op:2'",
            "( set -e",
            "sudo -n -p '' -u app -- sh -c 'set -e\ntouch /f\nrm /g'",
            ") </dev/null 2>&1",
            "rc=$?",
            "printf '\\n@@specops:N:rc:2 %d\\n' \"$rc\"",
            '[ "$rc" -eq 0 ] || exit "$rc"',
            "printf '%s\\n' '@@specops:N:op:3'",
            "( set -e",
            "systemctl reload nginx",
            f"rm -f {PENDING}/{mark}",
            ") </dev/null 2>&1",
            "rc=$?",
            "printf '\\n@@specops:N:rc:3 %d\\n' \"$rc\"",
            '[ "$rc" -eq 0 ] || exit "$rc"',
            "",
        ]
    )


def test_become_with_a_password_and_secrets_in_the_commands() -> None:
    p = plan(opplan("a", change(sh("echo", secret("tok"), raw(">"), "/f")), become=True))
    assert apply_script(p, "N", password="pw") == "\n".join(
        [
            "printf '%s\\n' '@@specops:N:op:0'",
            "( set -e",
            "printf '%s\\n' pw | sudo -S -p '' -- sh -c 'set -e\necho tok > /f'",
            ") </dev/null 2>&1",
            "rc=$?",
            "printf '\\n@@specops:N:rc:0 %d\\n' \"$rc\"",
            '[ "$rc" -eq 0 ] || exit "$rc"',
            "",
        ]
    )


def test_a_staged_script_cleans_up_on_exit_and_on_signals() -> None:
    up = Command((raw("cp"), Staged("x1"), "/etc/f"), uploads=(("x1", b"data"),))
    stage = "/home/u/.specops/upload/run 1/s1"
    assert apply_script(plan(opplan("a", change(up))), "N", stage=stage) == "\n".join(
        [
            "specops_cleanup() { rm -rf -- '/home/u/.specops/upload/run 1/s1'; "
            "rmdir '/home/u/.specops/upload/run 1' 2>/dev/null; }",
            "trap specops_cleanup EXIT",
            "trap 'specops_cleanup; exit 143' TERM",
            "trap 'specops_cleanup; exit 130' INT",
            "printf '%s\\n' '@@specops:N:op:0'",
            "( set -e",
            "cp '/home/u/.specops/upload/run 1/s1/x1' /etc/f",
            ") </dev/null 2>&1",
            "rc=$?",
            "printf '\\n@@specops:N:rc:0 %d\\n' \"$rc\"",
            '[ "$rc" -eq 0 ] || exit "$rc"',
            "",
        ]
    )


def test_a_staged_script_with_nothing_to_change_still_removes_its_uploads() -> None:
    script = apply_script(plan(opplan("a")), "N", stage="/s/r/x")
    assert script == (
        "specops_cleanup() { rm -rf -- /s/r/x; rmdir /s/r 2>/dev/null; }\n"
        "trap specops_cleanup EXIT\n"
        "trap 'specops_cleanup; exit 143' TERM\n"
        "trap 'specops_cleanup; exit 130' INT\n"
    )


# -- reading the outcome --------------------------------------------------------------


def outcome(r: OpResult) -> tuple[str, Status, str, str | None]:
    return (r.id, r.status, r.output, r.error)


def test_a_failing_op_stops_the_rest_and_keeps_its_output() -> None:
    ca, cb, cc = change(sh("a")), change(sh("b")), change(sh("c"))
    p = plan(opplan("a", ca), opplan("ok"), opplan("b", cb), opplan("c", cc))
    stdout = (
        "@@specops:N:op:0\nA out\n@@specops:N:rc:0 0\n"
        "@@specops:N:op:2\nB out\nmore\n@@specops:N:rc:2 3\n"
    )
    results = read_results(p, stdout, "N", "")
    assert [outcome(r) for r in results] == [
        ("a", Status.CHANGED, "A out", None),
        ("ok", Status.OK, "", None),
        ("b", Status.FAILED, "B out\nmore", "exit code 3"),
        ("c", Status.NOT_RUN, "", "b failed"),
    ]
    assert [r.changes for r in results] == [(ca,), (), (cb,), (cc,)]
    assert [r.kind for r in results] == ["server.shell"] * 4


def test_a_refused_op_fails_without_running_and_the_rest_is_not_run() -> None:
    c = change(sh("x"))
    p = plan(opplan("a", c, error="not a directory"), opplan("b"), opplan("c", c))
    results = read_results(p, "", "N", "")
    assert [outcome(r) for r in results] == [
        ("a", Status.FAILED, "", "not a directory"),
        ("b", Status.NOT_RUN, "", "a failed"),
        ("c", Status.NOT_RUN, "", "a failed"),
    ]
    assert [r.changes for r in results] == [(), (), (c,)]
    assert [r.kind for r in results] == ["server.shell"] * 3


def test_a_missing_exit_status_is_exit_code_255() -> None:
    p = plan(opplan("a", change(sh("x"))), opplan("b", change(sh("y"))))
    results = read_results(p, "@@specops:N:op:0\nout\n@@specops:N:rc:0 \n", "N", "")
    assert [outcome(r) for r in results] == [
        ("a", Status.FAILED, "out", "exit code 255"),
        ("b", Status.NOT_RUN, "", "a failed"),
    ]


def test_a_host_that_stops_answering_fails_the_running_op_with_what_it_said() -> None:
    p = plan(opplan("a", change(sh("x"))), opplan("b", change(sh("y"))))
    stdout = "@@specops:N:op:0\nstarted\nhalf"
    results = read_results(p, stdout, "N", "Connection reset")
    assert [outcome(r) for r in results] == [
        ("a", Status.FAILED, "started\nhalf", "the host stopped answering: Connection reset"),
        ("b", Status.NOT_RUN, "", "a failed"),
    ]
    assert [(r.kind, r.changes) for r in results] == [
        ("server.shell", p.ops[0].changes),
        ("server.shell", p.ops[1].changes),
    ]


def test_a_lost_ops_output_is_kept_from_its_first_line_on() -> None:
    p = plan(opplan("a", change(sh("x"))))
    (lost,) = read_results(p, "@@specops:N:op:0\n\n  indented", "N", "")
    assert lost.output == "\n  indented"


def test_an_op_whose_start_never_came_failed_with_no_output() -> None:
    p = plan(opplan("a", change(sh("x"))), opplan("b", change(sh("y"))))
    stdout = "@@specops:N:op:0\nA\n@@specops:N:rc:0 0\nnoise"
    results = read_results(p, stdout, "N", "")
    assert [outcome(r) for r in results] == [
        ("a", Status.CHANGED, "A", None),
        ("b", Status.FAILED, "", "the host stopped answering"),
    ]


def test_markers_of_another_nonce_or_another_op_are_not_this_ops() -> None:
    p = plan(opplan("a", change(sh("x"))), opplan("b", change(sh("y"))))
    stdout = (
        "@@specops:OLD:op:0\nold\n@@specops:OLD:rc:0 0\n"
        "@@specops:N:op:0\nnew\n@@specops:N:rc:0 0\n"
        "@@specops:N:op:1\n\n@@specops:N:rc:1 0\n"
    )
    results = read_results(p, stdout, "N", "")
    assert [outcome(r) for r in results] == [
        ("a", Status.CHANGED, "new", None),
        ("b", Status.CHANGED, "", None),
    ]


def test_an_ops_output_runs_from_its_first_start_line_to_the_first_exit_line_after_it() -> None:
    """Lines like these cannot come from an op (the nonce is new on every run); the reader's
    rule holds for them all the same."""
    p = plan(opplan("a", change(sh("x"))), opplan("b", change(sh("y"))))
    stdout = (
        "@@specops:N:op:0\nA\n@@specops:N:op:0\n@@specops:N:rc:1 9\nB\n@@specops:N:rc:0 0\n"
        "@@specops:N:op:1\nC\n@@specops:N:rc:1 7\nD\n@@specops:N:rc:1 0\n"
    )
    assert [outcome(r) for r in read_results(p, stdout, "N", "")] == [
        ("a", Status.CHANGED, "A\n@@specops:N:op:0\n@@specops:N:rc:1 9\nB", None),
        ("b", Status.FAILED, "C", "exit code 7"),
    ]


def test_secrets_of_the_op_are_scrubbed_from_its_output_and_its_error() -> None:
    args = {"command": "echo ab", "token": "ab"}
    node = OpNode("a", "server.shell", args, sensitive=("token",), secrets=("abcd",))
    p = plan(OpPlan(node, (change(sh("x")),)))
    (done,) = read_results(p, "@@specops:N:op:0\nabcd ab\n@@specops:N:rc:0 0\n", "N", "")
    assert done.output == "(sensitive) (sensitive)"
    (lost,) = read_results(p, "@@specops:N:op:0\nsaw abcd", "N", "")
    assert lost.output == "saw (sensitive)"


def test_a_merged_node_reports_once_per_original_op_in_order() -> None:
    c = change(sh("x"))
    p = plan(
        opplan("a+b", c, parts=("a", "b")),
        opplan("c", c),
        opplan("d+e", c, parts=("d", "e")),
    )
    stdout = "@@specops:N:op:0\n\n@@specops:N:rc:0 0\n@@specops:N:op:1\n\n@@specops:N:rc:1 1\n"
    results = read_results(p, stdout, "N", "")
    assert [outcome(r) for r in results] == [
        ("a", Status.CHANGED, "", None),
        ("b", Status.CHANGED, "", None),
        ("c", Status.FAILED, "", "exit code 1"),
        ("d", Status.NOT_RUN, "", "c failed"),
        ("e", Status.NOT_RUN, "", "c failed"),
    ]


# -- watching the stream --------------------------------------------------------------


def watch(ops: int, *chunks: bytes, stream: str = "stdout") -> list[tuple[str, str]]:
    p = HostPlan("web", "@local", tuple(opplan(f"op{i}") for i in range(ops)))
    seen: list[tuple[str, str]] = []
    w = OpWatcher(p, "n0", lambda h, o: seen.append((h, o)))
    for c in chunks:
        w.feed(stream, c)
    return seen


def test_each_op_start_is_told_once_with_its_host() -> None:
    got = watch(3, b"@@specops:n0:op:0\nx\n@@specops:n0:op:2\n@@specops:n0:op:1\n")
    assert got == [("web", "op0"), ("web", "op2"), ("web", "op1")]


def test_stderr_and_foreign_markers_are_ignored() -> None:
    assert watch(2, b"@@specops:n0:op:0\n", stream="stderr") == []
    assert watch(2, b"@@specops:n1:op:0\n@@specops:n0:op:2\n@@specops:n0:op:x1\n") == []
    assert watch(2, b"@@specops:n0:op:\n@@specops:n0:op:-1\n") == []


def test_a_marker_split_anywhere_is_told_once() -> None:
    whole = b"noise\n@@specops:n0:op:11\nafter\n"
    for cut in range(1, len(whole)):
        got = watch(12, whole[:cut], whole[cut:])
        assert got == [("web", "op11")], cut
    assert watch(12, *(whole[i : i + 1] for i in range(len(whole)))) == [("web", "op11")]


def test_a_split_marker_keeps_up_to_eight_characters_of_its_index() -> None:
    assert watch(12, b"@@specops:n0:op:00000011", b"\n") == [("web", "op11")]
    assert watch(12, b"@@specops:n0:op:000000011", b"\n") == []


def test_a_marker_without_its_line_end_waits_for_it() -> None:
    assert watch(2, b"@@specops:n0:op:1") == []
    assert watch(2, b"@@specops:n0:op:1", b"\n") == [("web", "op1")]
