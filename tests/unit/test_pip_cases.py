"""pip.venv and pip.packages (runtime/operations/pip.py), expected values by hand: requirements
accepted, what pip list and pyvenv.cfg say, the commands and what each op predicts."""

from __future__ import annotations

import hashlib

import pytest

from specops.runtime.core.fact import Facts
from specops.runtime.core.reach import PACKAGES, Reach
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.pip import Packages
from specops.runtime.operations.pip import (
    PackagesArgs,
    PipPackages,
    Venv,
    VenvArgs,
    _sees_system,
    check_requirements,
)

PIP = "python3 -m pip --disable-pip-version-check -q"
VPIP = "/srv/v/bin/python -m pip --disable-pip-version-check -q"


def cfg(data: bytes | None) -> Content:
    return Content("0" * 64, data)


# -- requirements and pip list ------------------------------------------------------------


def test_names_pins_and_extras_are_requirements() -> None:
    assert (
        check_requirements(["flask", "gunicorn==22.0.0", "flask[async]==3.0.3", "zope.interface"])
        is None
    )


def test_other_requirement_forms_are_listed_in_the_message() -> None:
    assert check_requirements(["flask", "flask>=3", "-e ."]) == (
        "not name or name==version: 'flask>=3', '-e .'"
    )


def test_pip_list_is_read_by_normalized_name() -> None:
    out = "Flask_SQLAlchemy==3.1.1\nzope.interface==6.0\n\n"
    assert Packages.parse(out) == {"flask-sqlalchemy": "3.1.1", "zope-interface": "6.0"}


# -- pyvenv.cfg -------------------------------------------------------------------------------


def test_the_system_site_packages_setting_is_read_from_its_line() -> None:
    text = b"home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n"
    assert _sees_system(cfg(text)) is False
    assert _sees_system(cfg(b"include-system-site-packages = TRUE\n")) is True


def test_an_unknown_setting_is_none() -> None:
    assert _sees_system(None) is None
    assert _sees_system(cfg(None)) is None  # too large to read
    assert _sees_system(cfg(b"home = /usr/bin\n")) is None


def test_a_byte_that_is_not_utf8_does_not_hide_the_setting() -> None:
    text = b"home = /opt/py\xff\ninclude-system-site-packages = true\n"
    assert _sees_system(cfg(text)) is True


def test_the_value_is_what_follows_the_first_equals_sign_as_python_reads_it() -> None:
    # site.py splits each line at its first "=": this value is "x=true", not true.
    assert _sees_system(cfg(b"include-system-site-packages = x=true\n")) is False


# -- pip.venv -----------------------------------------------------------------------------


def test_a_venv_reaches_its_tree() -> None:
    assert Venv().reach(VenvArgs("/srv/v")) == Reach(paths=("/srv/v",))


def test_a_venv_that_sees_the_system_packages_is_told_not_to() -> None:
    a = VenvArgs("/srv/v")
    f = Facts(
        {
            FileInfo.ref(path="/srv/v/bin/python"): FileStat("link", "0777", "root", "root", 7),
            FileContent.ref(path="/srv/v/pyvenv.cfg"): cfg(
                b"include-system-site-packages = true\n"
            ),
        }
    )
    [change] = Venv().plan(a, f)
    assert change.to_json() == {
        "action": "update",
        "summary": "set system site-packages false in /srv/v",
        "commands": ["python3 -m venv --upgrade -- /srv/v"],
    }


def test_a_venv_predicts_its_python_link_pip_and_its_config() -> None:
    data = b"include-system-site-packages = true\n"
    a = VenvArgs("/srv/v", python="/usr/bin/python3.11", system_site_packages=True)
    assert Venv().effects(a, Facts({})) == {
        FileInfo.ref(path="/srv/v/bin/python"): FileStat(
            "link", "0777", "root", "root", 7, "/usr/bin/python3.11"
        ),
        Packages.ref(python="/srv/v/bin/python"): {"pip": "(new)"},
        FileContent.ref(path="/srv/v/pyvenv.cfg"): Content(hashlib.sha256(data).hexdigest(), data),
    }


def test_a_venv_without_system_packages_predicts_false_in_its_config() -> None:
    data = b"include-system-site-packages = false\n"
    effects = Venv().effects(VenvArgs("/srv/v"), Facts({}))
    assert effects[FileContent.ref(path="/srv/v/pyvenv.cfg")] == Content(
        hashlib.sha256(data).hexdigest(), data
    )


# -- pip.packages -------------------------------------------------------------------------


def test_packages_reach_the_system_or_only_their_venv() -> None:
    assert PipPackages().reach(PackagesArgs(["flask"])) == PACKAGES
    assert PipPackages().reach(PackagesArgs(["flask"], venv="/srv/v")) == Reach(
        paths=("/srv/v",), facts=("pip",)
    )


def test_the_system_python_is_not_broken_unless_told() -> None:
    f = Facts({Packages.ref(python="python3"): {}})
    [change] = PipPackages().plan(PackagesArgs(["flask"]), f)
    assert change.to_json() == {
        "action": "create",
        "summary": "pip install flask",
        "commands": [f"{PIP} install flask"],
    }


def test_an_uninstall_from_the_system_python_says_break_system_packages_when_told() -> None:
    f = Facts({Packages.ref(python="python3"): {"flask": "3.0.3", "gunicorn": "22.0.0"}})
    a = PackagesArgs(
        ["flask", "gunicorn==22.0.0", "rich"], present=False, break_system_packages=True
    )
    [change] = PipPackages().plan(a, f)
    assert change.to_json() == {
        "action": "delete",
        "summary": "uninstall flask, gunicorn",
        "commands": [f"{PIP} uninstall -y --break-system-packages flask gunicorn"],
    }


def test_an_uninstall_from_a_venv_never_says_break_system_packages() -> None:
    f = Facts({Packages.ref(python="/srv/v/bin/python"): {"flask": "3.0.3"}})
    a = PackagesArgs(["flask"], venv="/srv/v", present=False, break_system_packages=True)
    [change] = PipPackages().plan(a, f)
    assert change.to_json()["commands"] == [f"{VPIP} uninstall -y flask"]


def test_an_install_predicts_versions_by_normalized_name() -> None:
    a = PackagesArgs(["Flask[async]==3.0.3", "zope.interface", "rich"], venv="/srv/v")
    ref = Packages.ref(python="/srv/v/bin/python")
    f = Facts({ref: {"flask": "2.0", "rich": "13.7.1"}})
    assert PipPackages().effects(a, f) == {
        ref: {"flask": "3.0.3", "rich": "13.7.1", "zope-interface": "(new)"}
    }
    assert f[ref] == {"flask": "2.0", "rich": "13.7.1"}


def test_an_install_where_no_python_was_found_predicts_only_the_packages() -> None:
    ref = Packages.ref(python="/srv/v/bin/python")
    a = PackagesArgs(["flask"], venv="/srv/v")
    assert PipPackages().effects(a, Facts({ref: None})) == {ref: {"flask": "(new)"}}


def test_an_uninstall_predicts_the_packages_gone() -> None:
    ref = Packages.ref(python="python3")
    a = PackagesArgs(["Flask_Login[extra]", "rich"], present=False)
    f = Facts({ref: {"flask-login": "0.6", "rich": "13.7.1", "six": "1.16"}})
    assert PipPackages().effects(a, f) == {ref: {"six": "1.16"}}


def test_a_package_named_twice_in_two_spellings_is_uninstalled_once() -> None:
    ref = Packages.ref(python="python3")
    a = PackagesArgs(["Flask", "flask"], present=False)
    f = Facts({ref: {"flask": "3.0.3", "six": "1.16"}})
    assert PipPackages().effects(a, f) == {ref: {"six": "1.16"}}


@pytest.mark.parametrize("present", [True, False])
def test_nothing_to_do_predicts_the_packages_as_read(present: bool) -> None:
    ref = Packages.ref(python="python3")
    have = {"flask": "3.0.3"} if present else {"six": "1.16"}
    a = PackagesArgs(["flask"], present=present)
    assert PipPackages().effects(a, Facts({ref: have})) == {ref: have}
