"""server.shell and its guards (runtime/operations/server/shell.py), expected values by hand.

The ``creates``/``unless`` guards are shared with server.script: what they read,
when they say the work is done, the commands that check them again on the host,
and what they predict for later ops."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from specops.runtime.core.command import SENSITIVE, sh
from specops.runtime.core.fact import FactRef, Facts, Guess
from specops.runtime.core.reach import ANYTHING, Reach
from specops.runtime.facts.files import FileInfo, FileStat
from specops.runtime.facts.server import CommandStatus
from specops.runtime.operations.server.shell import (
    Shell,
    ShellArgs,
    guard_done,
    guard_effects,
    guard_facts,
    guard_reads,
    guarded,
    shell,
)

FILE = FileStat("file", "0600", "app", "app", 12)
SHELL = Shell()


def facts(values: dict[FactRef[Any], Any]) -> Facts:
    return Facts(values)


@pytest.fixture
def sensitive() -> Iterator[None]:
    token = SENSITIVE.set(True)
    yield
    SENSITIVE.reset(token)


# -- the exit status fact ---------------------------------------------------------------


def test_command_status_runs_the_check_silently_and_prints_its_status() -> None:
    cmd = CommandStatus.ref(command="test -f /etc/app.conf").command()
    assert cmd.render() == "sh -c 'test -f /etc/app.conf' >/dev/null 2>&1 </dev/null; echo $?"


def test_command_status_parses_the_printed_status() -> None:
    assert CommandStatus.parse("0\n") == 0
    assert CommandStatus.parse("  127\r\n") == 127
    with pytest.raises(ValueError):
        CommandStatus.parse("")


# -- the command itself ------------------------------------------------------------------


def test_a_plain_command_runs_through_sh_c() -> None:
    assert shell("make install").render() == "sh -c 'make install'"


def test_a_sensitive_command_runs_from_a_temp_file_and_never_shows(sensitive: None) -> None:
    cmd = shell("curl -u admin:hunter2 https://x")
    assert cmd.render() == (
        "{ t=$(mktemp) && printf '%s\\n' 'curl -u admin:hunter2 https://x' > \"$t\" && "
        'sh "$t" </dev/null; rc=$?; rm -f -- "$t"; [ "$rc" -eq 0 ]; }'
    )
    assert cmd.display() == (
        "{ t=$(mktemp) && printf '%s\\n' *** > \"$t\" && "
        'sh "$t" </dev/null; rc=$?; rm -f -- "$t"; [ "$rc" -eq 0 ]; }'
    )


# -- the guards --------------------------------------------------------------------------


def test_guard_facts_are_the_file_and_the_check_status() -> None:
    assert guard_facts(None, None) == []
    assert guard_facts("/srv/.init", None) == [FileInfo.ref(path="/srv/.init")]
    assert guard_facts(None, "id app") == [CommandStatus.ref(command="id app")]
    assert guard_facts("/srv/.init", "id app") == [
        FileInfo.ref(path="/srv/.init"),
        CommandStatus.ref(command="id app"),
    ]


def test_no_guard_never_says_done() -> None:
    assert guard_done(None, None, facts({})) is False


def test_creates_says_done_when_the_path_exists() -> None:
    ref = FileInfo.ref(path="/srv/.init")
    assert guard_done("/srv/.init", None, facts({ref: FILE})) is True
    assert guard_done("/srv/.init", None, facts({ref: None})) is False


def test_unless_says_done_only_when_the_check_exits_0() -> None:
    ref = CommandStatus.ref(command="id app")
    assert guard_done(None, "id app", facts({ref: 0})) is True
    assert guard_done(None, "id app", facts({ref: 1})) is False
    assert guard_done(None, "id app", facts({ref: 2})) is False


def test_either_guard_is_enough() -> None:
    path, check = FileInfo.ref(path="/srv/.init"), CommandStatus.ref(command="id app")
    assert guard_done("/srv/.init", "id app", facts({path: FILE, check: 1})) is True
    assert guard_done("/srv/.init", "id app", facts({path: None, check: 0})) is True
    assert guard_done("/srv/.init", "id app", facts({path: None, check: 1})) is False


def test_guarded_checks_each_guard_again_on_the_host() -> None:
    run = sh("sh", "-c", "make install")
    assert guarded(None, None, run) == run
    assert guarded("/srv/.init", None, run).render() == (
        "[ -e /srv/.init ] || sh -c 'make install'"
    )
    assert guarded(None, "id app", run).render() == (
        "sh -c 'id app' >/dev/null 2>&1 </dev/null || sh -c 'make install'"
    )
    assert guarded("/srv/.init", "id app", run).render() == (
        "sh -c 'id app' >/dev/null 2>&1 </dev/null || [ -e /srv/.init ] || sh -c 'make install'"
    )


def test_guard_reads_creates_and_the_absolute_paths_unless_names() -> None:
    assert guard_reads(None, None) == []
    assert guard_reads("/srv/.init", None) == ["/srv/.init"]
    assert guard_reads(None, "test -f /etc/app.conf") == ["/etc/app.conf"]
    assert guard_reads("/srv/.init", "grep -q x /srv/.init && test -d /var/lib/app") == [
        "/srv/.init",
        "/var/lib/app",
    ]


def test_guard_reads_each_path_once() -> None:
    assert guard_reads(None, "cmp /etc/a /etc/a") == ["/etc/a"]


def test_guard_reads_leaves_relative_and_home_paths_out() -> None:
    unless = "test -f ./rel/x && test -f ~/y && test -f $HOME/z && test -f a-/b && ls /ok:1"
    assert guard_reads(None, unless) == ["/ok:1"]


def test_guard_effects_guesses_the_created_file_and_a_passing_check() -> None:
    path, check = FileInfo.ref(path="/srv/.init"), CommandStatus.ref(command="id app")
    assert guard_effects(None, None, facts({})) == {}
    assert guard_effects("/srv/.init", None, facts({path: None})) == {
        path: Guess(FileStat("file", "0644", "root", "root", 0))
    }
    # A path that exists already keeps what the facts say of it.
    assert guard_effects("/srv/.init", None, facts({path: FILE})) == {}
    assert guard_effects(None, "id app", facts({check: 1})) == {check: 0}
    assert guard_effects("/srv/.init", "id app", facts({path: None, check: 1})) == {
        path: Guess(FileStat("file", "0644", "root", "root", 0)),
        check: 0,
    }


# -- server.shell ------------------------------------------------------------------------


def test_shell_reaches_anything_unless_it_names_what_it_changes() -> None:
    assert SHELL.reach(ShellArgs(command="x")) == ANYTHING
    assert SHELL.reach(ShellArgs(command="x", changes=["/srv/app"])) == Reach(paths=("/srv/app",))
    assert SHELL.reach(
        ShellArgs(command="x", changes=["/srv/app", "/etc/app"], creates="/var/.done")
    ) == Reach(paths=("/srv/app", "/etc/app", "/var/.done"))
    assert SHELL.reach(ShellArgs(command="x", changes=[])) == Reach()


def test_shell_reads_and_facts_come_from_both_guards() -> None:
    a = ShellArgs(command="x", creates="/srv/.init", unless="test -e /etc/app")
    assert SHELL.reads(a) == ["/srv/.init", "/etc/app"]
    assert SHELL.facts(a) == [
        FileInfo.ref(path="/srv/.init"),
        CommandStatus.ref(command="test -e /etc/app"),
    ]


def test_shell_plans_a_guarded_run_while_neither_guard_says_done() -> None:
    a = ShellArgs(command="app init", creates="/srv/.init", unless="id app")
    path, check = FileInfo.ref(path="/srv/.init"), CommandStatus.ref(command="id app")
    (change,) = SHELL.plan(a, facts({path: None, check: 1}))
    assert change.to_json() == {
        "action": "run",
        "summary": "run app init",
        "commands": [
            "sh -c 'id app' >/dev/null 2>&1 </dev/null || [ -e /srv/.init ] || sh -c 'app init'"
        ],
    }
    assert SHELL.plan(a, facts({path: FILE, check: 1})) == []
    assert SHELL.plan(a, facts({path: None, check: 0})) == []


def test_shell_effects_are_the_guards_effects() -> None:
    a = ShellArgs(command="app init", creates="/srv/.init", unless="id app")
    path, check = FileInfo.ref(path="/srv/.init"), CommandStatus.ref(command="id app")
    assert SHELL.effects(a, facts({path: None, check: 1})) == {
        path: Guess(FileStat("file", "0644", "root", "root", 0)),
        check: 0,
    }
    assert SHELL.effects(ShellArgs(command="x"), facts({})) == {}
