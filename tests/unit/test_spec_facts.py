"""SPEC_FACTS: which fact answers each fact a spec reads, and how its value reads there
(expected values by hand)."""

from __future__ import annotations

import pytest

from specops.runtime.facts.files import FileInfo, FileStat
from specops.runtime.facts.host import OsRelease, Uname
from specops.runtime.spec_facts import SPEC_FACTS

UNAME = {"hostname": "web1", "arch": "x86_64", "kernel": "6.1.0-18-amd64"}


def test_os_is_read_from_os_release() -> None:
    assert SPEC_FACTS.ref(("os", ())) == OsRelease.ref()
    release = {"id": "debian", "version_id": "12"}
    assert SPEC_FACTS.value(("os", ()), release) == release


@pytest.mark.parametrize("name", ["hostname", "arch", "kernel"])
def test_hostname_arch_and_kernel_are_one_uname_read(name: str) -> None:
    assert SPEC_FACTS.ref((name, ())) == Uname.ref()
    assert SPEC_FACTS.value((name, ()), UNAME) == UNAME[name]


def test_a_file_is_its_stat_as_a_map() -> None:
    key = ("file", (("path", "/etc/motd"),))
    assert SPEC_FACTS.ref(key) == FileInfo.ref(path="/etc/motd")
    st = FileStat("link", "0777", "root", "adm", 12, "/run/motd")
    assert SPEC_FACTS.value(key, st) == {
        "exists": True,
        "type": "link",
        "mode": "0777",
        "user": "root",
        "group": "adm",
        "size": 12,
        "target": "/run/motd",
    }
    assert SPEC_FACTS.value(key, None) == {"exists": False}


def test_an_unknown_spec_fact_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="uptime"):
        SPEC_FACTS.ref(("uptime", ()))
