"""The fact machinery (runtime/core/fact.py): names, references, the Facts mapping, the one
batched read (script, splitting, gather) and guards, on plain data and a real local shell."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from specops.runtime.connectors import FakeConnector, LocalConnector, Result
from specops.runtime.core.command import Command, sh
from specops.runtime.core.fact import (
    Fact,
    FactError,
    FactRef,
    Facts,
    Guess,
    NoParams,
    batch_script,
    guard,
    split_batch,
)
from specops.runtime.engine.gather import gather
from specops.runtime.facts.files import FileInfo
from specops.runtime.facts.server import CommandStatus, Hostname, HostnameState, Sysctl


@contextmanager
def declared(module: str, name: str = "Probe", **attrs: Any) -> Iterator[type[Fact[Any]]]:
    """A fact class declared in ``module`` (as a custom module would), unregistered after."""
    before = dict(Fact.registry)
    try:
        cls = type(name, (Fact,), {"__module__": module, **attrs})
        yield cls
    finally:
        Fact.registry.clear()
        Fact.registry.update(before)


# -- names and references -----------------------------------------------------------


def test_a_fact_is_named_by_its_module_without_facts_and_its_class() -> None:
    """``pkg.sub.demo_facts.Probe`` is ``demo.Probe``, registered under that name."""
    with declared("pkg.sub.demo_facts") as cls:
        assert cls.name == "demo.Probe"
        assert Fact.registry["demo.Probe"] is cls


def test_a_fact_of_a_top_level_module_is_named_too() -> None:
    """A custom module loaded at the top level (no dot in its name) names its facts alike."""
    with declared("site_facts", "Motd") as cls:
        assert cls.name == "site.Motd"
        assert Fact.registry["site.Motd"] is cls


def test_a_module_not_ending_in_facts_keeps_its_whole_name() -> None:
    with declared("pkg.checks", "Port") as cls:
        assert cls.name == "checks.Port"


def test_a_fact_without_command_or_parser_says_which_is_missing() -> None:
    with declared("pkg.demo_facts") as cls:
        with pytest.raises(NotImplementedError) as e:
            cls.command(NoParams())
        assert str(e.value) == "demo.Probe defines no command"
        with pytest.raises(NotImplementedError) as e:
            cls.parse("x")
        assert str(e.value) == "demo.Probe defines no parser"


def test_a_reference_sorts_its_parameters_so_equal_reads_are_one_key() -> None:
    one = FileInfo.ref(path="/etc/motd")
    assert one == FactRef(FileInfo, (("path", "/etc/motd"),))
    with declared("pkg.demo_facts") as cls:
        a = cls.ref(b="2", a="1")
        assert a.fact is cls
        assert a.params == (("a", "1"), ("b", "2"))
        assert a == cls.ref(a="1", b="2")
        assert hash(a) == hash(cls.ref(a="1", b="2"))
        assert str(a) == "demo.Probe(a='1', b='2')"


def test_a_reference_prints_as_a_call_with_quoted_values() -> None:
    assert str(Hostname.ref()) == "server.Hostname()"
    assert str(FileInfo.ref(path="/a b'c")) == 'files.FileInfo(path="/a b\'c")'


def test_a_reference_builds_its_command_from_its_parameters() -> None:
    got = Sysctl.ref(key="vm.swappiness").command().render()
    assert got == "sysctl -n -- vm.swappiness 2>/dev/null || echo '@@absent'"


# -- the Facts mapping ----------------------------------------------------------------

HOST = Hostname.ref()
MOTD = FileInfo.ref(path="/etc/motd")


def test_facts_answer_what_they_hold_and_a_default_for_the_rest() -> None:
    facts = Facts({HOST: HostnameState("web1", "web1")})
    assert HOST in facts
    assert MOTD not in facts
    assert "server.Hostname()" not in facts
    assert facts[HOST] == HostnameState("web1", "web1")
    assert facts.get(HOST, HostnameState("", "")) == HostnameState("web1", "web1")
    assert facts.get(MOTD, None) is None
    with pytest.raises(KeyError):
        facts[MOTD]
    assert list(facts.items()) == [(HOST, HostnameState("web1", "web1"))]
    assert facts.guessed == {}


def test_empty_facts_hold_nothing() -> None:
    facts = Facts()
    assert HOST not in facts
    assert list(facts.items()) == []
    assert facts.guessed == {}


def test_facts_copy_what_they_are_given() -> None:
    given = {HOST: HostnameState("a", "a")}
    facts = Facts(given)
    facts.update({MOTD: None})
    assert given == {HOST: HostnameState("a", "a")}


def test_a_guess_is_remembered_with_the_op_that_made_it_until_a_fact_replaces_it() -> None:
    facts = Facts({HOST: HostnameState("a", "a")})
    facts.update({MOTD: Guess(None), HOST: HostnameState("b", "b")}, by="make-motd")
    assert facts[MOTD] is None
    assert facts[HOST] == HostnameState("b", "b")
    assert facts.guessed == {MOTD: "make-motd"}
    facts.update({HOST: Guess(HostnameState("c", "c"))})
    assert facts[HOST] == HostnameState("c", "c")
    assert facts.guessed == {MOTD: "make-motd", HOST: "an earlier op"}
    facts.update({MOTD: None}, by="later")
    assert facts.guessed == {HOST: "an earlier op"}


def test_a_fact_error_names_the_reference() -> None:
    e = FactError(MOTD, "boom")
    assert str(e) == "reading files.FileInfo(path='/etc/motd'): boom"
    assert e.ref == MOTD


# -- the batch script and its output --------------------------------------------------


def test_the_batch_script_prints_each_fact_between_its_markers() -> None:
    got = batch_script([HOST, Sysctl.ref(key="vm.swappiness")], "n0")
    assert got == (
        "printf '%s\\n' '@@specops:n0:fact:0'\n"
        "( uname -n; cat /etc/hostname 2>/dev/null | head -n1; true ) </dev/null 2>/dev/null\n"
        "printf '\\n@@specops:n0:end:0 %d\\n' \"$?\"\n"
        "printf '%s\\n' '@@specops:n0:fact:1'\n"
        "( sysctl -n -- vm.swappiness 2>/dev/null || echo '@@absent' ) </dev/null 2>/dev/null\n"
        "printf '\\n@@specops:n0:end:1 %d\\n' \"$?\"\n"
    )


def test_split_batch_gives_each_output_and_exit_code() -> None:
    out = (
        "@@specops:n:fact:0\nweb1\n\n@@specops:n:end:0 0\n"
        "@@specops:n:fact:1\n\n@@specops:n:end:1 3\n"
    )
    assert split_batch(out, 2, "n") == [("web1\n", 0), ("", 3)]


def test_split_batch_skips_what_comes_before_the_first_marker() -> None:
    out = "motd noise\n@@specops:n:fact:0\nx\n@@specops:n:end:0 0\n"
    assert split_batch(out, 1, "n") == [("x", 0)]


def test_split_batch_leaves_none_where_a_fact_is_missing_and_reads_the_rest() -> None:
    """A missing start, a missing end (output cut short) and another nonce's markers."""
    out = (
        "@@specops:other:fact:0\nx\n@@specops:other:end:0 0\n"
        "@@specops:n:fact:1\ny\n@@specops:n:end:1 0\n"
        "@@specops:n:fact:2\ncut sh"
    )
    assert split_batch(out, 3, "n") == [None, ("y", 0), None]


def test_split_batch_does_not_mistake_fact_1_for_fact_10() -> None:
    out = "@@specops:n:fact:10\nten\n@@specops:n:end:10 0\n"
    assert split_batch(out, 2, "n") == [None, None]


def test_an_exit_code_that_is_not_a_number_reads_as_255() -> None:
    """Output cut right after the end marker, or garbled there: the code is unknown."""
    assert split_batch("@@specops:n:fact:0\nx\n@@specops:n:end:0 ", 1, "n") == [("x", 255)]
    assert split_batch("@@specops:n:fact:0\nx\n@@specops:n:end:0 ?\n", 1, "n") == [("x", 255)]
    assert split_batch("@@specops:n:fact:0\nx\n@@specops:n:end:0 12", 1, "n") == [("x", 12)]


def test_split_batch_of_nothing_is_all_missing() -> None:
    assert split_batch("", 2, "n") == [None, None]
    assert split_batch("", 0, "n") == []


# -- gather ---------------------------------------------------------------------------


def answering(
    outputs: list[tuple[str, int] | None], exited: int = 0, stderr: str = ""
) -> Callable[[str, str | None], Result]:
    """A host that answers the batch script with ``outputs`` (None: that fact printed nothing)."""

    def handler(command: str, stdin: str | None) -> Result:
        assert stdin is not None
        m = re.search(r"@@specops:([0-9a-f]+):fact:0", stdin)
        assert m, stdin
        n = m.group(1)
        out = ""
        for i, o in enumerate(outputs):
            if o is not None:
                out += f"@@specops:{n}:fact:{i}\n{o[0]}\n@@specops:{n}:end:{i} {o[1]}\n"
        return Result(command, exited, out, stderr)

    return handler


def test_gather_reads_every_fact_in_one_command_and_parses_each() -> None:
    conn = FakeConnector(answering([("web1\nweb0\n", 0), ("60\n", 0)]))
    swap = Sysctl.ref(key="vm.swappiness")
    facts, result = gather(conn, [HOST, swap, HOST])
    assert dict(facts.items()) == {HOST: HostnameState("web1", "web0"), swap: "60"}
    assert conn.round_trips == 1
    ((command, stdin),) = conn.calls
    assert command == "sh -s"
    assert stdin is not None
    # markers hold a random nonce of 64 bits or more: no output can forge them
    m = re.match(r"printf '%s\\n' '@@specops:([0-9a-f]{16,}):fact:0'\n", stdin)
    assert m, stdin
    n = m.group(1)
    # the repeated reference is read once
    assert stdin == batch_script([HOST, swap], n)
    out = (
        f"@@specops:{n}:fact:0\nweb1\nweb0\n\n@@specops:{n}:end:0 0\n"
        f"@@specops:{n}:fact:1\n60\n\n@@specops:{n}:end:1 0\n"
    )
    assert result == Result("sh -s", 0, out, "")


def test_gather_of_nothing_sends_nothing() -> None:
    conn = FakeConnector(answering([]))
    facts, result = gather(conn, [])
    assert list(facts.items()) == []
    assert result is None
    assert conn.round_trips == 0


def test_gather_sends_the_wrapped_script_with_a_final_newline() -> None:
    conn = FakeConnector(answering([("0\n", 0)]))
    swap = Sysctl.ref(key="vm.swappiness")
    facts, _ = gather(conn, [swap], wrap=lambda s: "sudo -n sh -c " + repr(s))
    assert facts[swap] == "0"
    ((command, stdin),) = conn.calls
    assert command == "sh -s"
    assert stdin is not None
    m = re.search(r"@@specops:([0-9a-f]+):fact:0", stdin)
    assert m
    assert stdin == "sudo -n sh -c " + repr(batch_script([swap], m.group(1))) + "\n"


def test_a_fact_that_printed_nothing_names_the_exit_and_the_start_of_stderr() -> None:
    stderr = "  sudo: a password is required " + "x" * 300 + "\n"
    conn = FakeConnector(answering([None], exited=1, stderr=stderr))
    with pytest.raises(FactError) as e:
        gather(conn, [HOST])
    want = "sudo: a password is required " + "x" * 171
    assert str(e.value) == f"reading server.Hostname(): no output (exit 1): {want}"
    assert e.value.ref == HOST


def test_the_first_fact_without_output_is_the_one_reported() -> None:
    swap = Sysctl.ref(key="vm.swappiness")
    conn = FakeConnector(answering([("web1\n", 0), None], exited=255, stderr="lost\n"))
    with pytest.raises(FactError) as e:
        gather(conn, [HOST, swap])
    assert str(e.value) == "reading server.Sysctl(key='vm.swappiness'): no output (exit 255): lost"
    assert e.value.ref == swap


def test_a_fact_command_that_failed_is_an_error_with_its_code() -> None:
    swap = Sysctl.ref(key="vm.swappiness")
    for code in (1, 2):
        conn = FakeConnector(answering([("web1\n", 0), ("", code)]))
        with pytest.raises(FactError) as e:
            gather(conn, [HOST, swap])
        assert str(e.value) == (
            f"reading server.Sysctl(key='vm.swappiness'): command failed with exit code {code}"
        )
        assert e.value.ref == swap


def test_output_a_parser_rejects_is_an_error_naming_the_fact() -> None:
    conn = FakeConnector(answering([("web1\n", 0), ("socket\n", 0)]))
    with pytest.raises(FactError) as e:
        gather(conn, [HOST, MOTD])
    assert str(e.value) == (
        "reading files.FileInfo(path='/etc/motd'): unexpected output: unknown file type 'socket'"
    )
    assert e.value.ref == MOTD
    assert e.value.__cause__ is None and e.value.__suppress_context__


@dataclass(frozen=True)
class XParams:
    x: str


def test_a_parser_that_crashes_is_a_host_error_too() -> None:
    def command(cls: type[Fact[Any]], /, p: XParams) -> Command:
        return sh("cat", "/etc/demo", p.x)

    def parse(cls: type[Fact[Any]], /, output: str) -> int:
        return {"a": 1}[output]

    methods: dict[str, Any] = {
        "command": classmethod(command),
        "parse": classmethod(parse),
        "Params": XParams,
    }
    with declared("pkg.demo_facts", **methods) as cls:
        ref = cls.ref(x="1")
        conn = FakeConnector(answering([("web1\n", 0), ("b", 0)]))
        with pytest.raises(FactError) as e:
            gather(conn, [HOST, ref])
        assert str(e.value) == (
            "reading demo.Probe(x='1'): could not parse the output (KeyError: 'b')"
        )
        assert e.value.ref == ref
        assert e.value.__suppress_context__


def test_a_timed_out_read_says_so_and_names_the_first_fact() -> None:
    swap = Sysctl.ref(key="vm.swappiness")
    conn = FakeConnector(lambda c, s: Result(c, 124, "", "command timed out after 2.5 s\n"))
    with pytest.raises(FactError) as e:
        gather(conn, [HOST, swap], timeout=2.5)
    assert str(e.value) == "reading server.Hostname(): reading facts timed out after 2.5 s"
    assert e.value.ref == HOST


def test_exit_124_without_a_timeout_is_an_ordinary_exit() -> None:
    """A command may exit 124 on its own; and "timed out" on stderr alone is not a timeout."""
    conn = FakeConnector(answering([("web1\n", 0)], exited=124, stderr="no such thing\n"))
    facts, _ = gather(conn, [HOST])
    assert facts[HOST] == HostnameState("web1", "")
    conn = FakeConnector(answering([("web1\n", 0)], exited=0, stderr="ssh: timed out once\n"))
    facts, _ = gather(conn, [HOST])
    assert facts[HOST] == HostnameState("web1", "")


def test_gather_runs_the_batch_on_a_real_shell(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("hi\n")
    refs: list[FactRef[Any]] = [
        CommandStatus.ref(command="exit 3"),
        CommandStatus.ref(command="true"),
        FileInfo.ref(path=str(tmp_path / "missing")),
    ]
    facts, result = gather(LocalConnector(), refs, timeout=20)
    assert [facts[r] for r in refs] == [3, 0, None]
    assert result is not None and result.exited == 0


def test_a_read_slower_than_its_timeout_is_stopped() -> None:
    with pytest.raises(FactError) as e:
        gather(LocalConnector(), [CommandStatus.ref(command="sleep 5")], timeout=0.3)
    assert str(e.value) == (
        "reading server.CommandStatus(command='sleep 5'): reading facts timed out after 0.3 s"
    )


# -- guards ---------------------------------------------------------------------------


def test_a_guard_runs_its_command_only_when_the_test_fails() -> None:
    got = guard(sh("test", "-e", "/a b"), sh("touch", "/a b"))
    assert got.render() == "test -e '/a b' || { touch '/a b' ; }"


def test_a_facts_signature_is_its_name_params_and_docstring() -> None:
    sig = Sysctl.signature()
    assert (sig.kind, sig.args, sig.doc) == ("server.Sysctl", Sysctl.Params, Sysctl.__doc__)
    assert sig.doc.startswith("The live value of one kernel parameter")

    def command(cls: type[Fact[Any]], /, p: NoParams) -> Command:
        return sh("true")

    with declared("pkg.demo_facts", command=classmethod(command)) as cls:
        assert cls.__doc__ is None
        assert cls.signature().doc == ""
        assert cls.signature().kind == "demo.Probe"
