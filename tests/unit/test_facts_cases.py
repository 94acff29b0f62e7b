"""compiler/facts.py: the fact cache of a compile (rounds, dead hosts, errors), the
``facts`` namespace of expressions, facts from a JSON file, and ``host().facts``."""

from __future__ import annotations

import json
import locale
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from specops.compiler.diagnostics import Diagnostic, SpecError
from specops.compiler.facts import FACT_DOCS, FactCache, FactKey, HostFacts, JsonFacts
from specops.compiler.frontend import Options, compile_file
from specops.compiler.values import Function, Namespace, Pending
from specops.runtime.catalog import CATALOG

OS: FactKey = ("os", ())
ARCH: FactKey = ("arch", ())
ETC: FactKey = ("file", (("path", "/etc/x"),))


class Source:
    """A fact source answering from a table, recording every request it gets."""

    def __init__(self, table: Mapping[str, Mapping[FactKey, Any]]) -> None:
        self.table = table
        self.asked: list[dict[str, set[FactKey]]] = []

    def fetch(self, requests: Mapping[str, set[FactKey]]) -> Mapping[str, Mapping[FactKey, Any]]:
        self.asked.append({h: set(ks) for h, ks in requests.items()})
        return {h: self.table[h] for h in requests if h in self.table}


def diagnostics(e: pytest.ExceptionInfo[SpecError]) -> list[Diagnostic]:
    return e.value.diagnostics


# -- FactCache.get and fetch: rounds ----------------------------------------------------


def test_an_unknown_fact_is_recorded_and_pending_then_fetched_with_the_others() -> None:
    src = Source({"web1": {OS: {"id": "debian"}, ARCH: "x86_64"}, "web2": {OS: {"id": "alpine"}}})
    cache = FactCache(src)
    for host, key in (("web1", OS), ("web1", ARCH), ("web2", OS)):
        with pytest.raises(Pending) as p:
            cache.get(host, key)
        assert p.value.args == (key,)
    assert cache.wanted == {"web1": {OS, ARCH}, "web2": {OS}}
    assert cache.fetch() is True
    assert src.asked == [{"web1": {OS, ARCH}, "web2": {OS}}]  # one fetch for every host
    assert cache.wanted == {}
    assert cache.known == {
        "web1": {OS: {"id": "debian"}, ARCH: "x86_64"},
        "web2": {OS: {"id": "alpine"}},
    }
    assert cache.get("web1", ARCH) == "x86_64"
    assert cache.get("web2", OS) == {"id": "alpine"}
    assert cache.fetch() is False  # nothing wanted any more
    assert len(src.asked) == 1


def test_a_known_none_is_a_value_not_a_missing_fact() -> None:
    cache = FactCache(Source({}), known={"h": {ARCH: None}})
    assert cache.get("h", ARCH) is None
    assert cache.wanted == {}


def test_a_second_round_adds_to_what_the_first_fetched() -> None:
    src = Source({"h": {OS: "debian", ARCH: "arm64"}})
    cache = FactCache(src)
    with pytest.raises(Pending):
        cache.get("h", OS)
    assert cache.fetch() is True
    with pytest.raises(Pending):
        cache.get("h", ARCH)
    assert cache.fetch() is True
    assert src.asked == [{"h": {OS}}, {"h": {ARCH}}]
    assert cache.known == {"h": {OS: "debian", ARCH: "arm64"}}


def test_without_a_source_a_fact_is_an_error_not_a_round() -> None:
    cache = FactCache(None)
    with pytest.raises(SpecError) as e:
        cache.get("h", ("kernel", ()))
    assert diagnostics(e) == [
        Diagnostic(
            "facts-unavailable",
            "this spec reads facts (kernel) but no host is being asked",
            None,
            "use specops plan/apply, or compile --facts FILE",
        )
    ]
    assert cache.wanted == {}


def test_without_a_source_nothing_is_fetched() -> None:
    cache = FactCache(None, wanted={"h": {OS}})
    assert cache.fetch() is False
    assert cache.wanted == {"h": {OS}}


def test_a_host_the_source_could_not_read_is_dead_and_its_facts_stay_pending() -> None:
    src = Source({"up": {OS: "debian"}})
    cache = FactCache(src)
    for host in ("up", "down"):
        with pytest.raises(Pending):
            cache.get(host, OS)
    assert cache.fetch() is True
    assert cache.dead == {"down"}
    assert cache.known == {"up": {OS: "debian"}}
    with pytest.raises(Pending) as p:
        cache.get("down", OS)
    assert p.value.args == (OS,)
    assert cache.wanted == {}  # a dead host is not asked again
    assert cache.fetch() is False


def test_a_dead_host_does_not_stop_the_others_being_stored() -> None:
    cache = FactCache(Source({"up": {OS: "debian"}}), wanted={"down": {OS}, "up": {OS}})
    assert cache.fetch() is True
    assert (cache.dead, cache.known) == ({"down"}, {"up": {OS: "debian"}})


def test_a_dead_host_stays_pending_even_for_a_fact_known_before() -> None:
    cache = FactCache(Source({}), known={"h": {OS: "debian"}}, dead={"h"})
    with pytest.raises(Pending):
        cache.get("h", OS)


def test_a_source_that_answers_without_a_requested_fact_is_an_error() -> None:
    cache = FactCache(Source({"web1": {OS: "debian"}}))
    for key in (OS, ARCH):
        with pytest.raises(Pending):
            cache.get("web1", key)
    with pytest.raises(SpecError) as e:
        cache.fetch()
    assert diagnostics(e) == [
        Diagnostic("facts-unavailable", "no value for fact arch of host web1", None)
    ]


# -- FactCache.now: Python deploys ------------------------------------------------------


def test_now_fetches_an_unknown_fact_at_once_and_keeps_it() -> None:
    src = Source({"h": {OS: "debian"}})
    cache = FactCache(src)
    assert cache.now("h", OS) == "debian"
    assert cache.now("h", OS) == "debian"
    assert src.asked == [{"h": {OS}}]


def test_now_on_a_dead_host_is_an_error() -> None:
    cache = FactCache(Source({}), dead={"h"})
    with pytest.raises(SpecError) as e:
        cache.now("h", OS)
    assert diagnostics(e) == [Diagnostic("facts-unavailable", "host h could not be read", None)]


def test_now_on_a_host_the_source_cannot_read_is_an_error() -> None:
    cache = FactCache(Source({}))
    with pytest.raises(SpecError) as e:
        cache.now("h", OS)
    assert diagnostics(e) == [Diagnostic("facts-unavailable", "host h could not be read", None)]


def test_now_without_a_source_says_no_host_is_asked() -> None:
    with pytest.raises(SpecError) as e:
        FactCache(None).now("h", OS)
    assert [d.message for d in diagnostics(e)] == [
        "this spec reads facts (os) but no host is being asked"
    ]


# -- the facts namespace ----------------------------------------------------------------


def test_the_namespace_reads_the_facts_of_its_host() -> None:
    cache = FactCache(None, known={"h": {OS: {"id": "debian"}, ETC: {"exists": True}}})
    ns = cache.namespace("h")
    assert isinstance(ns, Namespace)
    assert ns.label == "the facts"
    assert ns.lookup("os") == {"id": "debian"}
    f = ns.lookup("file")
    assert isinstance(f, Function)
    assert (f.name, f.doc) == ("facts.file", FACT_DOCS["file"])
    assert f.fn("/etc/x") == {"exists": True}
    assert list(ns.names()) == ["os", "hostname", "arch", "kernel", "file"]


def test_the_namespace_asks_for_a_file_by_its_path() -> None:
    cache = FactCache(Source({}))
    with pytest.raises(Pending) as p:
        cache.namespace("h").lookup("file").fn("/srv/app")
    assert p.value.args == (("file", (("path", "/srv/app"),)),)
    assert cache.wanted == {"h": {("file", (("path", "/srv/app"),))}}


@pytest.mark.parametrize("path", ["etc/x", "", 3, None])
def test_a_file_fact_takes_an_absolute_path(path: Any) -> None:
    cache = FactCache(Source({}))
    with pytest.raises(ValueError) as e:
        cache.namespace("h").lookup("file").fn(path)
    assert str(e.value) == "takes an absolute path"
    assert cache.wanted == {}


def test_an_unknown_fact_name_is_a_key_error() -> None:
    cache = FactCache(Source({}))
    with pytest.raises(KeyError) as e:
        cache.namespace("h").lookup("distro")
    assert e.value.args == ("distro",)
    assert cache.wanted == {}


# -- JsonFacts ------------------------------------------------------------------------


def json_facts(tmp_path: Path, data: Any) -> JsonFacts:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data))
    return JsonFacts(str(path))


def test_json_facts_take_host_values_over_the_star_defaults(tmp_path: Path) -> None:
    facts = json_facts(
        tmp_path,
        {
            "hosts": {
                "*": {"os": {"id": "debian"}, "arch": "x86_64"},
                "web1": {"arch": "arm64", "file": {"/etc/x": {"exists": True, "mode": "0644"}}},
            }
        },
    )
    got = facts.fetch({"web1": {OS, ARCH, ETC}, "web2": {OS, ARCH, ETC}})
    assert got == {
        "web1": {OS: {"id": "debian"}, ARCH: "arm64", ETC: {"exists": True, "mode": "0644"}},
        "web2": {OS: {"id": "debian"}, ARCH: "x86_64", ETC: {"exists": False}},
    }


def test_json_facts_of_a_host_without_star_defaults(tmp_path: Path) -> None:
    facts = json_facts(tmp_path, {"hosts": {"web1": {"kernel": "6.1"}}})
    assert facts.fetch({"web1": {("kernel", ())}}) == {"web1": {("kernel", ()): "6.1"}}
    assert facts.fetch({}) == {}


def test_json_facts_whose_file_table_is_not_a_map_read_none(tmp_path: Path) -> None:
    facts = json_facts(tmp_path, {"hosts": {"*": {"file": ["/etc/x"]}}})
    assert facts.fetch({"h": {ETC}}) == {"h": {ETC: None}}


def test_json_facts_without_a_file_table_say_no_file_exists(tmp_path: Path) -> None:
    facts = json_facts(tmp_path, {"hosts": {"h": {}}})
    assert facts.fetch({"h": {ETC}}) == {"h": {ETC: {"exists": False}}}


def test_json_facts_missing_a_fact_say_where_to_add_it(tmp_path: Path) -> None:
    facts = json_facts(tmp_path, {"hosts": {"*": {"os": {}}}})
    with pytest.raises(SpecError) as e:
        facts.fetch({"web1": {ARCH}})
    assert diagnostics(e) == [
        Diagnostic(
            "facts-unavailable",
            f"{tmp_path / 'facts.json'} has no fact arch for host web1",
            None,
            'add it under "hosts": {"web1": {"arch": …}}',
        )
    ]


def test_a_missing_facts_file_is_reported(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.json")
    with pytest.raises(SpecError) as e:
        JsonFacts(path)
    assert diagnostics(e) == [
        Diagnostic(
            "file-not-found",
            f"cannot read {path}: [Errno 2] No such file or directory: {path!r}",
            None,
        )
    ]


def test_a_facts_file_that_is_not_json_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text("{nope")
    with pytest.raises(SpecError) as e:
        JsonFacts(str(path))
    assert diagnostics(e) == [
        Diagnostic(
            "file-not-found",
            f"cannot read {path}: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
            None,
        )
    ]


def test_a_facts_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_bytes(b'{"hosts": "\xff"}')
    with pytest.raises(SpecError) as e:
        JsonFacts(str(path))
    assert [d.code for d in diagnostics(e)] == ["file-not-found"]
    assert diagnostics(e)[0].message.startswith(f"cannot read {path}: 'utf-8' codec can't decode")


def test_a_facts_file_is_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text('{"hosts": {"h": {"hostname": "café"}}}', encoding="utf-8")
    before = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")  # an ASCII locale, as on a bare server
    try:
        facts = JsonFacts(str(path))
    finally:
        locale.setlocale(locale.LC_CTYPE, before)
    assert facts.hosts == {"h": {"hostname": "café"}}


@pytest.mark.parametrize("data", [{}, [], {"hosts": []}, {"hosts": "web1"}, {"host": {}}])
def test_a_facts_file_needs_a_map_of_hosts(tmp_path: Path, data: Any) -> None:
    facts_path = tmp_path / "facts.json"
    facts_path.write_text(json.dumps(data))
    with pytest.raises(SpecError) as e:
        JsonFacts(str(facts_path))
    assert diagnostics(e) == [
        Diagnostic("bad-value", f'{facts_path}: needs {{"hosts": {{NAME: {{...}}}}}}', None)
    ]


def test_json_facts_feed_a_cache(tmp_path: Path) -> None:
    facts = json_facts(tmp_path, {"hosts": {"h": {"hostname": "box"}}})
    cache = FactCache(facts)
    assert cache.now("h", ("hostname", ())) == "box"


# -- HostFacts --------------------------------------------------------------------------


def host_facts(table: Mapping[FactKey, Any]) -> tuple[HostFacts, Source]:
    src = Source({"h": table})
    return HostFacts(FactCache(src), "h"), src


def test_host_facts_read_each_fact_by_name() -> None:
    facts, src = host_facts(
        {OS: {"id": "debian"}, ARCH: "x86_64", ("hostname", ()): "box", ("kernel", ()): "6.1"}
    )
    assert facts.os == {"id": "debian"}
    assert (facts.arch, facts.hostname, facts.kernel) == ("x86_64", "box", "6.1")
    assert src.asked == [{"h": {k}} for k in (OS, ARCH, ("hostname", ()), ("kernel", ()))]
    assert facts.os == {"id": "debian"}  # kept: not asked again
    assert len(src.asked) == 4


def test_host_facts_read_a_file_by_its_absolute_path() -> None:
    facts, src = host_facts({ETC: {"exists": True}})
    assert facts.file("/etc/x") == {"exists": True}
    assert src.asked == [{"h": {ETC}}]


def test_host_facts_refuse_a_relative_file_path() -> None:
    facts, src = host_facts({})
    with pytest.raises(ValueError) as e:
        facts.file("etc/x")
    assert str(e.value) == "facts.file('etc/x'): takes an absolute path"
    assert e.value.__suppress_context__
    assert src.asked == []


@pytest.mark.parametrize("name", ["distro", "namespace", "lookup"])
def test_host_facts_name_the_facts_there_are(name: str) -> None:
    facts, src = host_facts({})
    with pytest.raises(AttributeError) as e:
        getattr(facts, name)
    assert str(e.value) == f"facts has no {name!r}; facts are: os, hostname, arch, kernel, file"
    assert src.asked == []


def test_host_facts_list_their_names() -> None:
    facts, _ = host_facts({})
    assert dir(facts) == ["arch", "file", "hostname", "kernel", "os"]


def test_a_python_deploy_on_a_host_that_cannot_be_read_says_so(tmp_path: Path) -> None:
    """The fetch itself finds the host unreadable (it used to leak ``Pending: ('arch', ())``
    as the deploy's own error)."""
    deploy = tmp_path / "deploy.py"
    deploy.write_text(
        "from specops import host\n"
        "from specops.ops import files\n"
        'files.directory(path="/srv/" + host().facts.arch)\n'
    )
    with pytest.raises(SpecError) as e:
        compile_file(str(deploy), CATALOG, Options(facts=Source({})))
    assert diagnostics(e) == [
        Diagnostic("facts-unavailable", "host @local could not be read", None)
    ]
