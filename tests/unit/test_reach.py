"""What an op's reach covers (runtime/core/reach.py), expected values by hand."""

from __future__ import annotations

from specops.runtime.core.reach import ANYTHING, NOTHING, PACKAGES, SERVICE, Reach, below, of_paths
from specops.runtime.engine.notify import Pending
from specops.runtime.facts.files import FileInfo
from specops.runtime.facts.host import OsRelease
from specops.runtime.facts.server import Users


def test_a_reach_is_something_when_it_has_paths_or_facts() -> None:
    assert Reach(paths=("/etc",)) and Reach(facts=("server",)) and ANYTHING
    assert not NOTHING and not Reach(outside=("/home",))


def test_every_fact_without_a_path_is_covered_by_the_star_but_host_facts_never() -> None:
    assert ANYTHING.covers(Users.ref()) and PACKAGES.covers(Users.ref())
    assert not SERVICE.covers(Users.ref())
    assert not ANYTHING.covers(OsRelease.ref()) and not ANYTHING.covers(Pending.ref())
    assert not Reach(facts=("host",)).covers(OsRelease.ref())
    assert not Reach(facts=("host.OsRelease",)).covers(OsRelease.ref())


def test_a_fact_is_covered_by_its_family_or_its_full_name_only() -> None:
    assert Reach(facts=("server",)).covers(Users.ref())
    assert Reach(facts=("server.Users",)).covers(Users.ref())
    assert not Reach(facts=("serv",)).covers(Users.ref())
    assert not Reach(facts=("Users",)).covers(Users.ref())
    assert not Reach(facts=("server.Groups",)).covers(Users.ref())


def test_paths_below_outside_and_at_the_root() -> None:
    assert below("/etc", ("/etc",)) and below("/etc/a/b", ("/etc",)) and below("/x", ("/",))
    assert not below("/etcetera", ("/etc",)) and not below("/", ("/etc",))
    assert below("/etc/", ("/etc",)) and below("/etc", ("/etc/",))
    assert not below("/a", ())
    assert of_paths(None, "/srv", "").paths == ("/srv",)
    assert not PACKAGES.covers(FileInfo.ref(path="/root/.bashrc"))
    assert PACKAGES.covers(FileInfo.ref(path="/rootfs/x"))
    assert SERVICE.covers(FileInfo.ref(path="/var/log/nginx/access.log"))
    assert not SERVICE.covers(FileInfo.ref(path="/etc/nginx/nginx.conf"))
