"""dnf, apk, pacman and server.packages, dnf.repository and apk.repository
(runtime/operations/dnf.py, apk.py, pacman.py, server/packages.py and what they share in
runtime/kit/packages.py), expected values by hand: names accepted, summaries, and what
each op predicts for the ops after it."""

from __future__ import annotations

import hashlib

import pytest

from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import PlanError
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.packages import Apk, Manager, Pacman, Rpm
from specops.runtime.kit.packages import (
    DRIVERS,
    PackagesArgs,
    check_names,
    installed_after,
    plan_with,
)
from specops.runtime.operations.apk import ApkPackages, ApkRepoArgs, ApkRepository
from specops.runtime.operations.dnf import DnfPackages, DnfRepoArgs, DnfRepository
from specops.runtime.operations.pacman import PacmanPackages
from specops.runtime.operations.server.packages import ServerPackages, ServerPackagesArgs

REPOS = "/etc/apk/repositories"
COMMUNITY = "https://dl-cdn.alpinelinux.org/alpine/v3.20/community"


def content(data: bytes) -> Content:
    return Content(hashlib.sha256(data).hexdigest(), data)


# -- names --------------------------------------------------------------------------------


def test_package_names_of_every_manager_are_accepted() -> None:
    assert check_names(["nginx", "python3-pip", "perl-Net-SSLeay", "libstdc++", "_x.y:z@1"]) is None


def test_other_names_are_listed_in_the_message() -> None:
    assert check_names(["nginx", "-rf", "a b", ".x"]) == "not package names: '-rf', 'a b', '.x'"


# -- plans and what they leave installed ----------------------------------------------------


def test_an_install_names_the_missing_packages_and_the_manager() -> None:
    a = PackagesArgs(["nginx", "curl", "less"])
    [change] = plan_with(DRIVERS["dnf"], a, {"less": "590-1.fc40"})
    assert change.to_json() == {
        "action": "create",
        "summary": "install nginx, curl (dnf)",
        "commands": ["dnf install -y -q nginx curl"],
    }


def test_a_removal_names_the_installed_packages_and_the_manager() -> None:
    a = PackagesArgs(["nginx", "curl", "less"], present=False)
    [change] = plan_with(DRIVERS["apk"], a, {"nginx": "1.26", "curl": "8.9"})
    assert change.to_json() == {
        "action": "delete",
        "summary": "remove nginx, curl (apk)",
        "commands": ["apk del -q nginx curl"],
    }


def test_installed_after_an_install_keeps_known_versions_and_adds_new_ones() -> None:
    have = {"less": "590", "curl": "8.9"}
    assert installed_after(PackagesArgs(["nginx", "curl"]), have) == {
        "less": "590",
        "curl": "8.9",
        "nginx": "(new)",
    }
    assert have == {"less": "590", "curl": "8.9"}


def test_installed_after_a_removal_drops_the_packages() -> None:
    have = {"less": "590", "curl": "8.9"}
    a = PackagesArgs(["curl", "nginx"], present=False)
    assert installed_after(a, have) == {"less": "590"}


def test_each_manager_op_predicts_its_own_list() -> None:
    a = PackagesArgs(["nginx"])
    assert DnfPackages().effects(a, Facts({Rpm.ref(): {}})) == {Rpm.ref(): {"nginx": "(new)"}}
    assert ApkPackages().effects(a, Facts({Apk.ref(): {"nginx": "1.26"}})) == {
        Apk.ref(): {"nginx": "1.26"}
    }
    removal = PackagesArgs(["nginx"], present=False)
    assert PacmanPackages().effects(removal, Facts({Pacman.ref(): {"nginx": "1.26"}})) == {
        Pacman.ref(): {}
    }


def test_server_packages_predicts_the_list_of_the_detected_manager() -> None:
    a = ServerPackagesArgs(["nginx", "curl"])
    f = Facts({Manager.ref(): "apk", Apk.ref(): {"curl": "8.9"}, Rpm.ref(): {}})
    assert ServerPackages().effects(a, f) == {Apk.ref(): {"curl": "8.9", "nginx": "(new)"}}


def test_server_packages_predicts_the_list_of_the_manager_it_is_told() -> None:
    a = ServerPackagesArgs(["curl"], present=False, manager="yum")
    f = Facts({Manager.ref(): "apk", Apk.ref(): {"curl": "8.9"}, Rpm.ref(): {"curl": "8.6"}})
    assert ServerPackages().effects(a, f) == {Rpm.ref(): {}}


# -- dnf.repository -----------------------------------------------------------------------


def test_a_dnf_repository_predicts_its_file_at_0644_with_the_owner_it_had() -> None:
    a = DnfRepoArgs("nginx", "https://nginx.org/packages/centos/9/$basearch/")
    path = "/etc/yum.repos.d/nginx.repo"
    data = (
        b"[nginx]\nname=nginx\nbaseurl=https://nginx.org/packages/centos/9/$basearch/\n"
        b"enabled=1\ngpgcheck=0\n"
    )
    f = Facts({FileInfo.ref(path=path): FileStat("file", "0600", "root", "wheel", 3)})
    assert DnfRepository().effects(a, f) == {
        FileContent.ref(path=path): content(data),
        FileInfo.ref(path=path): FileStat("file", "0644", "root", "wheel", len(data)),
    }


# -- apk.repository -----------------------------------------------------------------------


def test_a_repositories_file_with_the_line_but_another_mode_gets_0644() -> None:
    data = f"https://dl-cdn.alpinelinux.org/alpine/v3.20/main\n{COMMUNITY}\n".encode()
    f = Facts(
        {
            FileInfo.ref(path=REPOS): FileStat("file", "0600", "root", "root", len(data)),
            FileContent.ref(path=REPOS): content(data),
        }
    )
    [change] = ApkRepository().plan(ApkRepoArgs(COMMUNITY), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "mode 0600 → 0644",
        "commands": [f"chmod 0644 {REPOS}"],
    }


def test_a_repositories_file_too_large_to_edit_is_refused_by_its_path() -> None:
    f = Facts(
        {
            FileInfo.ref(path=REPOS): FileStat("file", "0644", "root", "root", 2_000_000),
            FileContent.ref(path=REPOS): Content("0" * 64, None),
        }
    )
    with pytest.raises(PlanError) as e:
        ApkRepository().plan(ApkRepoArgs(COMMUNITY), f)
    assert str(e.value) == "/etc/apk/repositories is larger than specops edits in place"


def test_a_line_added_to_a_missing_file_predicts_a_new_file() -> None:
    data = f"{COMMUNITY}\n".encode()
    f = Facts({FileInfo.ref(path=REPOS): None, FileContent.ref(path=REPOS): None})
    assert ApkRepository().effects(ApkRepoArgs(COMMUNITY), f) == {
        FileContent.ref(path=REPOS): content(data),
        FileInfo.ref(path=REPOS): FileStat("file", "0644", "root", "root", len(data)),
    }


def test_a_line_removed_from_a_missing_file_predicts_nothing() -> None:
    f = Facts({FileInfo.ref(path=REPOS): None, FileContent.ref(path=REPOS): None})
    assert ApkRepository().effects(ApkRepoArgs(COMMUNITY, present=False), f) == {}


def test_a_line_removed_predicts_the_other_lines_at_0644() -> None:
    main = b"https://dl-cdn.alpinelinux.org/alpine/v3.20/main\n"
    old = main + f"  {COMMUNITY}\n".encode()
    f = Facts(
        {
            FileInfo.ref(path=REPOS): FileStat("file", "0600", "root", "wheel", len(old)),
            FileContent.ref(path=REPOS): content(old),
        }
    )
    assert ApkRepository().effects(ApkRepoArgs(COMMUNITY, present=False), f) == {
        FileContent.ref(path=REPOS): content(main),
        FileInfo.ref(path=REPOS): FileStat("file", "0644", "root", "wheel", len(main)),
    }
