"""What people see of a plan and of an apply (runtime/engine/render.py), styles included, and the
JSON documents for machines.

Output is recorded from a colour console and written back as text with each styled run
marked, e.g. ``<bold>web1</><dim> (10.0.0.1)</>``: a lost or changed style shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rich.console import Console

from specops.compiler.ir import OpNode
from specops.runtime.core.command import sh
from specops.runtime.core.operation import Action, Change
from specops.runtime.engine.outcomes import HostPlan, HostResult, OpPlan, OpResult, Status
from specops.runtime.engine.render import (
    plan_json,
    print_plan,
    print_results,
    print_stats,
    results_json,
    summary_line,
)

_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_NAMES = {"1": "bold", "2": "dim", "3": "italic", "31": "red", "32": "green", "33": "yellow"}
_NAMES["36"] = "cyan"


def _marked(ansi: str) -> str:
    """ANSI text as plain text with ``<style>…</>`` around each run of one style."""
    pieces: list[tuple[str, str]] = []
    style, pos = "", 0
    for m in _SGR.finditer(ansi):
        pieces.append((style, ansi[pos : m.start()]))
        codes = [c for c in m.group(1).split(";") if c not in ("", "0")]
        style = " ".join(_NAMES[c] for c in codes)
        pos = m.end()
    pieces.append((style, ansi[pos:]))
    merged: list[tuple[str, str]] = []
    for s, text in pieces:
        if not text:
            continue
        if merged and merged[-1][0] == s:
            merged[-1] = (s, merged[-1][1] + text)
        else:
            merged.append((s, text))
    return "".join(f"<{s}>{t}</>" if s else t for s, t in merged)


def screen(draw: Callable[[Console], None]) -> list[str]:
    """The lines ``draw`` prints on a wide colour terminal, styles marked."""
    console = Console(record=True, width=1000, force_terminal=True, color_system="standard")
    draw(console)
    return _marked(console.export_text(styles=True)).split("\n")


def op(i: str, kind: str = "files.file") -> OpNode:
    return OpNode(i, kind, {})


def ch(action: Action, summary: str, diff: str | None = None, after: str | None = None) -> Change:
    return Change(action, summary, (), diff, depends_on=after)


DIFF = (
    "--- /etc/app.conf\n+++ /etc/app.conf\n@@ -1,2 +1,2 @@\n name = app\n-port = 80\n+port = 8080\n"
)
DIFF_SHOWN = [
    "      --- /etc/app.conf",
    "      +++ /etc/app.conf",
    "<cyan>      @@ -1,2 +1,2 @@</>",
    "       name = app",
    "<red>      -port = 80</>",
    "<green>      +port = 8080</>",
]


# -- the plan, host by host -----------------------------------------------------------


def test_a_plan_shows_each_change_with_its_symbol_id_summary_and_diff() -> None:
    plans = [
        HostPlan(
            "web1",
            "root@10.0.0.1",
            (
                OpPlan(op("conf"), (ch(Action.UPDATE, "update /etc/app.conf", DIFF),)),
                OpPlan(op("same"), ()),
                OpPlan(
                    op("dir"),
                    (ch(Action.CREATE, "create /srv"), ch(Action.UPDATE, "mode 0755 → 0750")),
                ),
                OpPlan(op("old"), (ch(Action.DELETE, "remove /old"),)),
                OpPlan(
                    op("restart", "server.shell"),
                    (ch(Action.RUN, "run systemctl restart app", after="conf"),),
                ),
            ),
        )
    ]
    assert screen(lambda c: print_plan(c, plans)) == [
        "<bold>web1</><dim> (root@10.0.0.1)</>",
        "<yellow>  ~ </><bold>conf   </>  update /etc/app.conf",
        *DIFF_SHOWN,
        "<green>  + </><bold>dir    </>  create /srv",
        "<yellow>  ~ </><bold>dir    </>  mode 0755 → 0750",
        "<red>  - </><bold>old    </>  remove /old",
        "<cyan> ?! </><bold>restart</>  run systemctl restart app"
        "<dim>  (depends on conf; known after apply)</>",
        "",
        "<bold>Plan: 1 to add, 1 to change, 1 to remove, 1 to run. "
        "1 marked ? rests on earlier steps.</>",
        "",
    ]


def test_hosts_without_changes_and_hosts_that_could_not_be_read() -> None:
    plans = [
        HostPlan("a", "a", (OpPlan(op("x"), ()),)),
        HostPlan("b", "ssh://b", error="connection refused", hint="is sshd up?", unreachable=True),
        HostPlan("c", "c", error="sudo: a password is required"),
    ]
    assert screen(lambda c: print_plan(c, plans)) == [
        "<bold>a</> <dim>  no changes</>",
        "<bold>b</><dim> (ssh://b)</> <bold red>  unreachable: connection refused</>",
        "<dim>  hint: is sshd up?</>",
        "<bold>c</> <bold red>  error: sudo: a password is required</>",
        "",
        "<bold>No changes planned, but 2 hosts could not be read (see above).</>",
        "",
    ]


def test_ops_that_cannot_be_planned_and_ops_waiting_on_an_earlier_one() -> None:
    plans = [
        HostPlan(
            "h",
            "h",
            (
                OpPlan(op("pkg", "packages.apt"), (ch(Action.CREATE, "install nginx"),)),
                OpPlan(op("conf"), (), error="not a directory: /etc/nginx"),
                OpPlan(op("site"), (), error="no such file /etc/nginx/x", waits_on="pkg"),
                OpPlan(op("svc", "systemd.service"), (ch(Action.UPDATE, "start"),), waits_on="pkg"),
            ),
        )
    ]
    assert screen(lambda c: print_plan(c, plans)) == [
        "<bold>h</>",
        "<green>  + </><bold>pkg </>  install nginx",
        "<bold red>  x </><bold>conf</>  (files.file) <red>not a directory: /etc/nginx</>",
        "<bold yellow>  ? </><bold>site</>  (files.file) planned after pkg runs; "
        "as the host is now: <yellow>no such file /etc/nginx/x</>",
        "<yellow>  ~ </><bold>svc </>  start",
        "",
        "<bold>Plan: 1 to add, 1 to change, 0 to remove. 2 marked ? rest on earlier steps. "
        "And 1 op could not be planned (see above).</>",
        "",
    ]


def test_text_from_the_spec_or_the_host_is_escaped_before_it_is_printed() -> None:
    esc = "\x1b[2J"
    plans = [
        HostPlan(
            f"h{esc}",
            f"t{esc}",
            (
                OpPlan(op(f"a{esc}"), (ch(Action.RUN, f"run {esc}", after=f"b{esc}"),)),
                OpPlan(op("w"), (), error=f"e{esc}", waits_on=f"b{esc}"),
                OpPlan(op("x"), (), error=f"e{esc}"),
            ),
        ),
        HostPlan("u", "u", error=f"down{esc}", hint=f"try{esc}"),
    ]
    e = "\\x1b[2J"
    assert screen(lambda c: print_plan(c, plans)) == [
        f"<bold>h{e}</><dim> (t{e})</>",
        f"<cyan> ?! </><bold>a{e}</>  run {e}<dim>  (depends on b{e}; known after apply)</>",
        f"<bold yellow>  ? </><bold>w    </>  (files.file) planned after b{e} runs; "
        f"as the host is now: <yellow>e{e}</>",
        f"<bold red>  x </><bold>x    </>  (files.file) <red>e{e}</>",
        f"<bold>u</> <bold red>  error: down{e}</>",
        f"<dim>  hint: try{e}</>",
        "",
        "<bold>Plan: 0 to add, 0 to change, 0 to remove, 1 to run. "
        "2 marked ? rest on earlier steps. "
        "And 1 op could not be planned, 1 host could not be read (see above).</>",
        "",
    ]


def test_long_summaries_and_errors_are_clipped() -> None:
    long = "y" * 600
    plans = [
        HostPlan(
            "h",
            "h",
            (
                OpPlan(op("a"), (ch(Action.CREATE, long),)),
                OpPlan(op("b"), (), error=long),
                OpPlan(op("c"), (), error=long, waits_on="a"),
            ),
        )
    ]
    cut = "y" * 500 + "… (100 more characters)"
    assert screen(lambda c: print_plan(c, plans))[1:4] == [
        f"<green>  + </><bold>a</>  {cut}",
        f"<bold red>  x </><bold>b</>  (files.file) <red>{cut}</>",
        f"<bold yellow>  ? </><bold>c</>  (files.file) planned after a runs; "
        f"as the host is now: <yellow>{cut}</>",
    ]


# -- diffs ----------------------------------------------------------------------------


def plan_with_diff(diff: str) -> list[HostPlan]:
    return [
        HostPlan(
            "h",
            "h",
            (
                OpPlan(op("f"), (ch(Action.UPDATE, "update /f", diff),)),
                OpPlan(op("g"), (ch(Action.DELETE, "remove /g"),)),
            ),
        )
    ]


def diff_lines(diff: str) -> list[str]:
    """The rows between the op line and the next op's line."""
    lines = screen(lambda c: print_plan(c, plan_with_diff(diff)))
    assert lines[1] == "<yellow>  ~ </><bold>f</>  update /f"
    assert lines[-4] == "<red>  - </><bold>g</>  remove /g"
    return lines[2:-4]


def test_a_diff_without_a_final_newline_does_not_swallow_the_next_line() -> None:
    assert diff_lines("-a\n+b") == ["<red>      -a</>", "<green>      +b</>"]


def test_a_diff_shows_trailing_blanks_and_escapes_control_characters() -> None:
    assert diff_lines("-port = 80 \n+port = 80\n+\x1b[31mred\x07\r\n") == [
        "<red>      -port = 80 </>",
        "<green>      +port = 80</>",
        "<green>      +\\x1b[31mred\\x07\\x0d</>",
    ]


def test_a_diff_line_of_megabytes_is_clipped() -> None:
    assert diff_lines("+" + "z" * 700 + "\n") == [
        "<green>      +" + "z" * 499 + "… (201 more characters)</>"
    ]


def test_only_file_headers_escape_the_colours_of_added_and_removed_lines() -> None:
    """``+++``/``---`` are headers; ``++x``/``--x`` are lines starting with + or -."""
    assert diff_lines("--- a\n+++ b\n++x\n--x\n @@ not a hunk\n@@ -0,0 +1 @@\n") == [
        "      --- a",
        "      +++ b",
        "<green>      ++x</>",
        "<red>      --x</>",
        "       @@ not a hunk",
        "<cyan>      @@ -0,0 +1 @@</>",
    ]


def test_a_diff_of_a_thousand_lines_is_shown_whole() -> None:
    diff = "".join(f"+{i}\n" for i in range(1000))
    assert diff_lines(diff) == [f"<green>      +{i}</>" for i in range(1000)]


def test_a_longer_diff_is_cut_after_a_thousand_lines_saying_how_many_are_left() -> None:
    diff = "".join(f"-{i}\n" for i in range(1003))
    assert diff_lines(diff) == [
        *(f"<red>      -{i}</>" for i in range(1000)),
        "<dim>      … 3 more lines (plan --json has the whole diff)</>",
    ]


# -- the plan, op by op ---------------------------------------------------------------


def test_many_hosts_are_shown_by_op_with_the_hosts_that_share_each_change() -> None:
    other = DIFF.replace("8080", "9090")
    plans = [
        HostPlan(
            f"h{i}",
            f"h{i}",
            (
                OpPlan(op("same"), ()),
                OpPlan(op("conf"), (ch(Action.UPDATE, "update /etc/app.conf", DIFF),)),
            ),
        )
        for i in range(6)
    ]
    plans += [
        HostPlan(
            f"h{i}",
            f"h{i}",
            (OpPlan(op("conf"), (ch(Action.UPDATE, "update /etc/app.conf", other),)),),
        )
        for i in (6, 7)
    ]
    plans.append(HostPlan("h8", "h8", (OpPlan(op("longer_id"), (), error="boom"),)))
    plans.append(HostPlan("h9", "10.0.0.9", error="timed out", hint="a hint", unreachable=True))
    assert screen(lambda c: print_plan(c, plans)) == [
        "<bold>h9</><dim> (10.0.0.9)</> <bold red>  unreachable: timed out</>",
        "<bold>6 hosts: </><dim>h0, h1, h2, h3, h4 and 1 more</>",
        "<yellow>  ~ </><bold>conf     </>  update /etc/app.conf",
        *DIFF_SHOWN,
        "<bold>2 hosts: </><dim>h6, h7</>",
        "<yellow>  ~ </><bold>conf     </>  update /etc/app.conf",
        *DIFF_SHOWN[:-1],
        "<green>      +port = 9090</>",
        "<bold>1 host: </><dim>h8</>",
        "<bold red>  x </><bold>longer_id</>  (files.file) <red>boom</>",
        "",
        "<bold>Plan: 0 to add, 8 to change, 0 to remove. "
        "And 1 op could not be planned, 1 host could not be read (see above).</>",
        "",
    ]


def test_by_op_names_five_hosts_in_full_and_errors_of_hosts_that_could_be_reached() -> None:
    plans = [HostPlan(f"n{i}", f"n{i}", (OpPlan(op("x"), (), error="e"),)) for i in range(5)]
    plans.append(HostPlan("esc\x1b", "esc\x1b", error="no sudo"))
    assert screen(lambda c: print_plan(c, plans, by_op=True)) == [
        "<bold>esc\\x1b</> <bold red>  error: no sudo</>",
        "<bold>5 hosts: </><dim>n0, n1, n2, n3, n4</>",
        "<bold red>  x </><bold>x</>  (files.file) <red>e</>",
        "",
        "<bold>No changes planned, but 5 ops could not be planned, "
        "1 host could not be read (see above).</>",
        "",
    ]


def test_by_op_a_group_of_one_host() -> None:
    plans = [HostPlan("solo", "t", (OpPlan(op("x"), (ch(Action.CREATE, "c"),)),))]
    assert screen(lambda c: print_plan(c, plans, by_op=True)) == [
        "<bold>1 host: </><dim>solo</>",
        "<green>  + </><bold>x</>  c",
        "",
        "<bold>Plan: 1 to add, 0 to change, 0 to remove.</>",
        "",
    ]


def test_by_op_groups_of_six_and_seven_hosts_count_the_rest() -> None:
    plans = [
        HostPlan(f"m{i}", "t", (OpPlan(op("x"), (ch(Action.CREATE, "c"),)),)) for i in range(7)
    ]
    assert screen(lambda c: print_plan(c, plans, by_op=True))[0] == (
        "<bold>7 hosts: </><dim>m0, m1, m2, m3, m4 and 2 more</>"
    )


def test_by_op_with_nothing_to_do_prints_only_the_summary() -> None:
    plans = [HostPlan(f"q{i}", "t", (OpPlan(op("x"), ()),)) for i in range(10)]
    assert screen(lambda c: print_plan(c, plans)) == [
        "",
        "<bold>No changes. The hosts match the spec.</>",
        "",
    ]


def test_ten_hosts_or_more_are_shown_by_op_unless_asked_otherwise() -> None:
    def hosts(n: int) -> list[HostPlan]:
        return [HostPlan(f"q{i}", f"q{i}", (OpPlan(op("x"), ()),)) for i in range(n)]

    per_host = [f"<bold>q{i}</> <dim>  no changes</>" for i in range(10)]
    tail = ["", "<bold>No changes. The hosts match the spec.</>", ""]
    assert screen(lambda c: print_plan(c, hosts(9))) == [*per_host[:9], *tail]
    assert screen(lambda c: print_plan(c, hosts(10))) == tail
    assert screen(lambda c: print_plan(c, hosts(10), by_op=False)) == [*per_host, *tail]
    assert screen(lambda c: print_plan(c, hosts(1), by_op=True)) == tail


# -- the summary line -----------------------------------------------------------------


def test_the_summary_counts_in_words_one_and_many() -> None:
    one = HostPlan(
        "h",
        "t",
        (
            OpPlan(op("a"), (), error="x"),
            OpPlan(op("b"), (ch(Action.UPDATE, "u", after="a"),)),
        ),
    )
    two = HostPlan(
        "g",
        "t",
        (
            OpPlan(op("a"), (), error="x"),
            OpPlan(op("b"), (ch(Action.UPDATE, "u", after="a"),)),
            OpPlan(op("c"), (ch(Action.CREATE, "c"), ch(Action.RUN, "r"))),
        ),
    )
    down = HostPlan("d", "t", error="down")
    assert summary_line([one]) == (
        "Plan: 0 to add, 1 to change, 0 to remove. 1 marked ? rests on earlier steps. "
        "And 1 op could not be planned (see above)."
    )
    assert summary_line([one, two, down, down]) == (
        "Plan: 1 to add, 2 to change, 0 to remove. 2 marked ? rest on earlier steps. "
        "And 2 ops could not be planned, 2 hosts could not be read (see above)."
    )
    assert summary_line([down]) == "No changes planned, but 1 host could not be read (see above)."
    assert summary_line([]) == "No changes. The hosts match the spec."


# -- results --------------------------------------------------------------------------

RESULTS = [
    HostResult(
        "web1",
        "root@w1",
        (
            OpResult("conf", "files.file", Status.CHANGED),
            OpResult(
                "svc",
                "systemd.service",
                Status.FAILED,
                output="\nJob failed.\n\x1b[1mSee journalctl\n\n",
                error="exit code 1",
            ),
            OpResult("late", "server.shell", Status.NOT_RUN, error="svc failed"),
            OpResult("ok1", "files.directory", Status.OK),
        ),
    ),
    HostResult("web2", "web2", (OpResult("conf", "files.file", Status.OK),)),
    HostResult("db", "10.0.0.5", error="refused", hint="check the port", unreachable=True),
    HostResult("cache", "cache", error="an earlier batch failed", skipped=True),
    HostResult(
        "build", "build", (OpResult("i", "image.build", Status.CHANGED),), image="sha256:ab"
    ),
]


def test_results_show_what_failed_a_recap_per_host_and_a_verdict() -> None:
    assert screen(lambda c: print_results(c, RESULTS)) == [
        "<bold>web1</><dim> (root@w1)</>",
        "<bold red>  x </><bold>svc</>  (systemd.service) failed: <red>exit code 1</>",
        "<dim>      Job failed.</>",
        "<dim>      \\x1b[1mSee journalctl</>",
        "<dim>  - </><bold>late</>  not run: svc failed",
        "<bold>db</><dim> (10.0.0.5)</> <bold red>  unreachable: refused</>",
        "<dim>  hint: check the port</>",
        "",
        "<bold>host   ok  changed  failed  not run  state      </>",
        "web1    1        1  <bold red>     1</>        1  <bold red>failed     </>",
        "web2    1        0       0        0  <green>ok         </>",
        "db" + " " * 35 + "<bold red>unreachable</>",
        "cache" + " " * 32 + "<bold red>skipped    </>",
        "build   0        1       0        0  <green>ok         </>",
        "<bold>build: built image sha256:ab</>",
        "<bold>Apply finished with failures on 3 of 5 hosts: web1, db, cache.</>",
        "",
    ]


def test_a_failure_without_output_or_message_and_a_host_error_without_hint() -> None:
    results = [
        HostResult(
            "h",
            "h",
            (
                OpResult("a", "server.shell", Status.FAILED, output="  \n"),
                OpResult("b", "server.shell", Status.NOT_RUN),
            ),
        ),
        HostResult("g", "g", error="sudo: a password is required"),
    ]
    assert screen(lambda c: print_results(c, results))[:5] == [
        "<bold>h</>",
        "<bold red>  x </><bold>a</>  (server.shell) failed: ",
        "<dim>  - </><bold>b</>  not run: ",
        "<bold>g</> <bold red>  error: sudo: a password is required</>",
        "",
    ]


def test_long_output_lines_of_a_failed_op_are_clipped() -> None:
    results = [HostResult("h", "h", (OpResult("a", "k", Status.FAILED, output="o" * 501),))]
    assert screen(lambda c: print_results(c, results))[2] == (
        "<dim>      " + "o" * 500 + "… (1 more characters)</>"
    )


def test_a_successful_apply_has_no_failure_section_and_says_how_much_changed() -> None:
    one = [HostResult("h", "h", (OpResult("a", "k", Status.CHANGED),))]
    assert screen(lambda c: print_results(c, one)) == [
        "<bold>host  ok  changed  failed  not run  state</>",
        "h      0        1       0        0  <green>ok   </>",
        "<bold>Apply complete: 1 op changed on 1 host.</>",
        "",
    ]
    two = [
        HostResult("h", "h", (OpResult("a", "k", Status.OK),)),
        HostResult(
            "g", "g", (OpResult("a", "k", Status.CHANGED), OpResult("b", "k", Status.CHANGED))
        ),
    ]
    assert screen(lambda c: print_results(c, two))[-2] == (
        "<bold>Apply complete: 2 ops changed on 2 hosts.</>"
    )
    none = [HostResult("h", "h", (OpResult("a", "k", Status.OK),))]
    assert screen(lambda c: print_results(c, none))[-2] == (
        "<bold>Apply complete: 0 ops changed on 1 host.</>"
    )


def test_host_names_in_the_recap_are_printed_as_they_are() -> None:
    """A name with brackets is not console markup; control characters are escaped."""
    results = [
        HostResult("web[a]", "t", (OpResult("a", "k", Status.OK),)),
        HostResult("x\x1b", "t", error="down"),
    ]
    assert screen(lambda c: print_results(c, results))[2:5] == [
        "<bold>host    ok  changed  failed  not run  state</>",
        "web[a]   1        0       0        0  <green>ok   </>",
        "x\\x1b" + " " * 33 + "<bold red>error</>",
    ]


# -- stats ----------------------------------------------------------------------------


def test_stats_show_round_trips_bytes_and_seconds_per_phase() -> None:
    plans = [
        HostPlan("web1", "t", facts={"a": "x"}, seconds={"connect": 0.1234}, sent=100, received=2),
        HostPlan("web2", "t"),
        HostPlan("db", "t", facts={"f": "h"}, seconds={"plan": 2.0}, sent=10_000, received=10_240),
    ]
    results = [
        HostResult(
            "web1",
            "t",
            round_trips=3,
            phases=2,
            seconds={"connect": 0.2, "facts": 0.3, "plan": 0.01, "apply": 1.5},
            sent=12_000,
            received=9_999,
        ),
        HostResult("elsewhere", "t", round_trips=9),
    ]
    assert screen(lambda c: print_stats(c, plans, results)) == [
        "<italic>stats" + " " * 75 + "</>",
        "<bold> host  round trips  phases      sent  received  connect   facts    plan   apply </>",
        " web1            3       2  11.7 KiB    9999 B   0.200s  0.300s  0.010s  1.500s ",
        " web2            0               0 B       0 B                                  ",
        " db              1           9.8 KiB  10.0 KiB                   2.000s         ",
        "",
    ]


def test_stats_count_kibibytes_of_1024_bytes() -> None:
    plans = [HostPlan("h", "t", sent=9_999, received=102_400)]
    assert screen(lambda c: print_stats(c, plans, []))[2] == (
        " h               0          9999 B  100.0 KiB" + " " * 30
    )


def test_stats_of_a_host_with_escaped_name() -> None:
    plans = [HostPlan("a[b]\x1b", "t")]
    assert screen(lambda c: print_stats(c, plans, []))[2] == (
        " a[b]\\x1b            0           0 B       0 B                              "
    )


# -- JSON -----------------------------------------------------------------------------


def test_plan_json_holds_every_host_and_op_and_the_counts() -> None:
    plans = [
        HostPlan(
            "web1",
            "root@w1",
            (
                OpPlan(
                    op("conf"),
                    (Change(Action.UPDATE, "update /f", (sh("mv", "a b", "/f"),), "-a\n+b\n"),),
                ),
                OpPlan(op("x", "server.shell"), (), error="no", waits_on="conf"),
            ),
        ),
        HostPlan("db", "db", error="refused", unreachable=True),
    ]
    assert plan_json(plans) == {
        "version": 1,
        "hosts": [
            {
                "name": "web1",
                "target": "root@w1",
                "error": None,
                "unreachable": False,
                "ops": [
                    {
                        "id": "conf",
                        "kind": "files.file",
                        "error": None,
                        "waits_on": None,
                        "changes": [
                            {
                                "action": "update",
                                "summary": "update /f",
                                "commands": ["mv 'a b' /f"],
                                "diff": "-a\n+b\n",
                            }
                        ],
                    },
                    {
                        "id": "x",
                        "kind": "server.shell",
                        "error": "no",
                        "waits_on": "conf",
                        "changes": [],
                    },
                ],
            },
            {"name": "db", "target": "db", "error": "refused", "unreachable": True, "ops": []},
        ],
        "summary": {"create": 0, "update": 1, "delete": 0, "run": 0},
    }


def test_results_json_holds_every_host_and_op() -> None:
    results = [
        HostResult(
            "web1",
            "root@w1",
            (
                OpResult(
                    "conf",
                    "files.file",
                    Status.CHANGED,
                    (Change(Action.CREATE, "create /f", (sh("touch", "/f"),)),),
                    output="done\n",
                ),
                OpResult("svc", "systemd.service", Status.FAILED, error="exit code 1"),
                OpResult("late", "server.shell", Status.NOT_RUN, error="svc failed"),
            ),
            round_trips=3,
            seconds={"connect": 0.123456, "apply": 2.0},
            sent=10,
            received=20,
            phases=2,
            image="sha256:ab",
        ),
        HostResult("db", "db", error="refused", hint="h", unreachable=True, skipped=True),
    ]
    assert results_json(results) == {
        "version": 1,
        "hosts": [
            {
                "name": "web1",
                "target": "root@w1",
                "error": None,
                "unreachable": False,
                "skipped": False,
                "image": "sha256:ab",
                "phases": 2,
                "round_trips": 3,
                "bytes": {"sent": 10, "received": 20},
                "seconds": {"connect": 0.1235, "apply": 2.0},
                "ops": [
                    {
                        "id": "conf",
                        "kind": "files.file",
                        "status": "changed",
                        "error": None,
                        "output": "done\n",
                        "changes": [
                            {"action": "create", "summary": "create /f", "commands": ["touch /f"]}
                        ],
                    },
                    {
                        "id": "svc",
                        "kind": "systemd.service",
                        "status": "failed",
                        "error": "exit code 1",
                        "output": "",
                        "changes": [],
                    },
                    {
                        "id": "late",
                        "kind": "server.shell",
                        "status": "not run",
                        "error": "svc failed",
                        "output": "",
                        "changes": [],
                    },
                ],
            },
            {
                "name": "db",
                "target": "db",
                "error": "refused",
                "unreachable": True,
                "skipped": True,
                "image": None,
                "phases": 0,
                "round_trips": 0,
                "bytes": {"sent": 0, "received": 0},
                "seconds": {},
                "ops": [],
            },
        ],
    }
