"""apache.site, apache.module and apache.conf (runtime/operations/apache.py),
expected values by hand:
which names are accepted, the link each one reads, and the link it predicts."""

from __future__ import annotations

import pytest

from specops.runtime.core.fact import Facts
from specops.runtime.facts.files import FileInfo, FileStat
from specops.runtime.operations.apache import Conf, EnableArgs, Module, Site, check_name

# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["shop", "000-default", "php8.2", "Mixed_Case", "x"])
def test_plain_names_are_accepted(name: str) -> None:
    assert check_name(name) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (".hidden", "'.hidden' is not a plain name"),
        ("../evil", "'../evil' is not a plain name"),
        ("a/b", "'a/b' is not a plain name"),
        ("a b", "'a b' is not a plain name"),
        ("", "'' is not a plain name"),
        (5, "5 is not a plain name"),
    ],
)
def test_other_names_are_refused(name: object, message: str) -> None:
    assert check_name(name) == message


# -- the link each kind reads and predicts ------------------------------------------------


def test_enabling_a_site_predicts_its_link_into_sites_available() -> None:
    target = "../sites-available/shop.conf"
    assert Site().effects(EnableArgs("shop"), Facts({})) == {
        FileInfo.ref(path="/etc/apache2/sites-enabled/shop.conf"): FileStat(
            "link", "0777", "root", "root", 28, target
        )
    }


def test_enabling_a_module_predicts_its_load_link() -> None:
    target = "../mods-available/rewrite.load"
    assert Module().effects(EnableArgs("rewrite"), Facts({})) == {
        FileInfo.ref(path="/etc/apache2/mods-enabled/rewrite.load"): FileStat(
            "link", "0777", "root", "root", 30, target
        )
    }


def test_disabling_a_conf_predicts_no_link() -> None:
    assert Conf().effects(EnableArgs("security", enabled=False), Facts({})) == {
        FileInfo.ref(path="/etc/apache2/conf-enabled/security.conf"): None
    }


def test_a_module_is_enabled_with_a2enmod_when_its_link_is_missing() -> None:
    a = EnableArgs("rewrite")
    link = FileInfo.ref(path="/etc/apache2/mods-enabled/rewrite.load")
    assert Module().facts(a) == [link]
    [change] = Module().plan(a, Facts({link: None}))
    assert change.to_json() == {
        "action": "update",
        "summary": "enable apache mod rewrite",
        "commands": ["a2enmod -q rewrite"],
    }


def test_a_conf_is_disabled_with_a2disconf_when_its_link_is_there() -> None:
    a = EnableArgs("security", enabled=False)
    link = FileInfo.ref(path="/etc/apache2/conf-enabled/security.conf")
    st = FileStat("link", "0777", "root", "root", 31, "../conf-available/security.conf")
    [change] = Conf().plan(a, Facts({link: st}))
    assert change.to_json() == {
        "action": "update",
        "summary": "disable apache conf security",
        "commands": ["a2disconf -q security"],
    }
    assert Conf().plan(EnableArgs("security"), Facts({link: st})) == []


def test_the_predicted_link_counts_as_enabled_for_the_next_plan() -> None:
    a = EnableArgs("shop")
    after = Facts(Site().effects(a, Facts({})))
    assert Site().plan(a, after) == []
