"""server.hostname, timezone, locale, sysctl, alternatives and reboot
(runtime/operations/server/system.py), expected values by hand."""

from __future__ import annotations

import base64
import hashlib

import pytest

from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import PlanError
from specops.runtime.core.reach import Reach
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.server import (
    Alternative,
    AlternativeState,
    Hostname,
    HostnameState,
    Locales,
    Sysctl,
)
from specops.runtime.operations.server.system import (
    Alternatives,
    AlternativesArgs,
    HostnameArgs,
    HostnameOp,
    Locale,
    LocaleArgs,
    Reboot,
    RebootArgs,
    SysctlArgs,
    SysctlOp,
    Timezone,
    TimezoneArgs,
    check_hostname,
    normalize_locale,
)

HOSTNAME, TZ, LOCALE, SYSCTL, ALT, REBOOT = (
    HostnameOp(),
    Timezone(),
    Locale(),
    SysctlOp(),
    Alternatives(),
    Reboot(),
)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


WEB1 = b64(b"web1\n")
PARIS_B64 = b64(b"Europe/Paris\n")


def file(size: int, mode: str = "0644") -> FileStat:
    return FileStat("file", mode, "root", "root", size)


# -- server.hostname ---------------------------------------------------------------------


def test_host_names_letters_digits_hyphens_and_dots() -> None:
    assert check_hostname("web1") is None
    assert check_hostname("web-1.example.org") is None
    assert check_hostname("a" * 63) is None
    assert check_hostname("a" * 64) == f"{'a' * 64!r} is not a valid host name"
    assert check_hostname("-web") == "'-web' is not a valid host name"
    assert check_hostname("web_1") == "'web_1' is not a valid host name"
    assert check_hostname("") == "'' is not a valid host name"
    assert check_hostname(5) == "5 is not a valid host name"
    assert check_hostname(None) == "None is not a valid host name"


def test_a_host_without_etc_hostname_gets_a_new_file_and_the_running_name() -> None:
    f = Facts({Hostname.ref(): HostnameState("localhost", "")})
    assert HOSTNAME.facts(HostnameArgs("web1")) == [Hostname.ref()]
    (change,) = HOSTNAME.plan(HostnameArgs("web1"), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "hostname localhost → web1",
        "commands": [
            "t=$(mktemp -- /etc/.hostname.specops-XXXXXXXX ) && "
            f'{{ printf %s {WEB1} | base64 -d > "$t" && chmod 0644 "$t" && '
            'mv -f -- "$t" /etc/hostname ; } || { rm -f -- "$t"; exit 1; }',
            "hostname web1",
        ],
    }


def test_an_existing_etc_hostname_keeps_its_owner() -> None:
    f = Facts({Hostname.ref(): HostnameState("web1", "old")})
    (change,) = HOSTNAME.plan(HostnameArgs("web1"), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "hostname web1 → web1",
        "commands": [
            "t=$(mktemp -- /etc/.hostname.specops-XXXXXXXX ) && "
            f'{{ printf %s {WEB1} | base64 -d > "$t" && '
            'chmod --reference /etc/hostname "$t" && chown --reference /etc/hostname "$t" && '
            'chmod 0644 "$t" && mv -f -- "$t" /etc/hostname ; } || { rm -f -- "$t"; exit 1; }',
        ],
    }


def test_a_host_with_its_name_needs_nothing_and_keeps_it() -> None:
    f = Facts({Hostname.ref(): HostnameState("web1", "web1")})
    assert HOSTNAME.plan(HostnameArgs("web1"), f) == []
    f = Facts({Hostname.ref(): HostnameState("old", "old")})
    assert HOSTNAME.effects(HostnameArgs("web1"), f) == {
        Hostname.ref(): HostnameState("web1", "web1")
    }


# -- server.timezone ---------------------------------------------------------------------

PARIS = "/usr/share/zoneinfo/Europe/Paris"


def tz_facts(link: FileStat | None, zone: FileStat | None, current: bytes | None) -> Facts:
    return Facts(
        {
            FileInfo.ref(path="/etc/localtime"): link,
            FileInfo.ref(path=PARIS): zone,
            FileInfo.ref(path="/etc/timezone"): None if current is None else file(len(current)),
            FileContent.ref(path="/etc/timezone"): (
                None if current is None else Content(sha(current), current)
            ),
        }
    )


def link_to(target: str) -> FileStat:
    return FileStat("link", "0777", "root", "root", len(target), target)


def test_timezone_reads_the_link_the_zone_file_and_etc_timezone() -> None:
    assert TZ.facts(TimezoneArgs("Europe/Paris")) == [
        FileInfo.ref(path="/etc/localtime"),
        FileInfo.ref(path=PARIS),
        FileInfo.ref(path="/etc/timezone"),
        FileContent.ref(path="/etc/timezone"),
    ]


def test_an_unknown_zone_is_a_plan_error() -> None:
    with pytest.raises(PlanError) as e:
        TZ.plan(TimezoneArgs("Europe/Paris"), tz_facts(None, None, None))
    assert str(e.value) == (
        f"unknown time zone 'Europe/Paris': {PARIS} does not exist (is tzdata installed?)"
    )


def test_a_missing_localtime_is_linked_and_etc_timezone_created() -> None:
    (change,) = TZ.plan(TimezoneArgs("Europe/Paris"), tz_facts(None, file(100), None))
    assert change.to_json() == {
        "action": "update",
        "summary": "time zone ? → Europe/Paris",
        "commands": [
            f"ln -s -- {PARIS} /etc/localtime",
            "t=$(mktemp -- /etc/.timezone.specops-XXXXXXXX ) && "
            f'{{ printf %s {PARIS_B64} | base64 -d > "$t" && chmod 0644 "$t" && '
            'mv -f -- "$t" /etc/timezone ; } || { rm -f -- "$t"; exit 1; }',
        ],
    }


def test_a_localtime_copied_as_a_file_is_replaced_by_the_link() -> None:
    f = tz_facts(file(2000), file(100), b"Europe/Paris\n")
    (change,) = TZ.plan(TimezoneArgs("Europe/Paris"), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "time zone ? → Europe/Paris",
        "commands": [f"ln -sfn -- {PARIS} /etc/localtime"],
    }


def test_a_link_elsewhere_is_swapped_in_one_rename() -> None:
    f = tz_facts(link_to("/usr/share/zoneinfo/Etc/UTC"), file(100), b"Europe/Paris\n")
    (change,) = TZ.plan(TimezoneArgs("Europe/Paris"), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "time zone Etc/UTC → Europe/Paris",
        "commands": [
            f'd=$(mktemp -d -- /etc/.specops-link-XXXXXXXX ) && ln -s -- {PARIS} "$d/l" && '
            'mv -Tf -- "$d/l" /etc/localtime && rmdir -- "$d"'
        ],
    }


def test_the_right_link_with_a_stale_etc_timezone_rewrites_only_the_file() -> None:
    f = tz_facts(link_to(PARIS), file(100), b"Etc/UTC\n")
    (change,) = TZ.plan(TimezoneArgs("Europe/Paris"), f)
    assert change.summary == "time zone Europe/Paris → Europe/Paris"
    assert [c.display() for c in change.commands] == [
        "t=$(mktemp -- /etc/.timezone.specops-XXXXXXXX ) && "
        f'{{ printf %s {PARIS_B64} | base64 -d > "$t" && '
        'chmod --reference /etc/timezone "$t" && chown --reference /etc/timezone "$t" && '
        'mv -f -- "$t" /etc/timezone ; } || { rm -f -- "$t"; exit 1; }'
    ]
    (change,) = TZ.plan(TimezoneArgs("Europe/Paris"), tz_facts(link_to(PARIS), file(1), None))
    assert [c.display() for c in change.commands] == [
        "t=$(mktemp -- /etc/.timezone.specops-XXXXXXXX ) && "
        f'{{ printf %s {PARIS_B64} | base64 -d > "$t" && chmod 0644 "$t" && '
        'mv -f -- "$t" /etc/timezone ; } || { rm -f -- "$t"; exit 1; }'
    ]


def test_the_right_link_and_file_need_nothing() -> None:
    f = tz_facts(link_to(PARIS), file(100), b"Europe/Paris\n")
    assert TZ.plan(TimezoneArgs("Europe/Paris"), f) == []


def test_timezone_effects_are_the_link_and_the_file() -> None:
    f = tz_facts(None, file(100), None)
    data = b"Europe/Paris\n"
    assert TZ.effects(TimezoneArgs("Europe/Paris"), f) == {
        FileInfo.ref(path="/etc/localtime"): FileStat(
            "link", "0777", "root", "root", len(PARIS), PARIS
        ),
        FileContent.ref(path="/etc/timezone"): Content(sha(data), data),
        FileInfo.ref(path="/etc/timezone"): file(len(data)),
    }


# -- server.locale -----------------------------------------------------------------------


def test_locale_names_are_spelled_as_locale_a_prints_them() -> None:
    assert normalize_locale("en_US.UTF-8") == "en_US.utf8"
    assert normalize_locale("de_DE.ISO-8859-15@euro") == "de_DE.iso885915@euro"
    assert normalize_locale("en_US.UTF-8@a.b") == "en_US.utf8@a.b"
    assert normalize_locale("sr_RS@latin") == "sr_RS@latin"
    assert normalize_locale("C") == "C"
    assert normalize_locale("ja_JP.eucJP") == "ja_JP.eucjp"


def locale_cmd(line: str) -> str:
    return (
        f"grep -qxF -- '{line}' /etc/locale.gen 2>/dev/null || printf '%s\\n' '{line}' "
        ">> /etc/locale.gen; locale-gen"
    )


def test_locale_reads_the_default_file_only_when_it_sets_it() -> None:
    assert LOCALE.facts(LocaleArgs("en_US.UTF-8")) == [Locales.ref()]
    assert LOCALE.facts(LocaleArgs("en_US.UTF-8", default=True)) == [
        Locales.ref(),
        FileInfo.ref(path="/etc/default/locale"),
        FileContent.ref(path="/etc/default/locale"),
    ]


def test_a_missing_locale_is_generated_with_its_charset() -> None:
    f = Facts({Locales.ref(): ["C", "C.utf8", "POSIX"]})
    (change,) = LOCALE.plan(LocaleArgs("de_DE.ISO-8859-15@euro"), f)
    assert change.to_json() == {
        "action": "create",
        "summary": "generate locale de_DE.ISO-8859-15@euro",
        "commands": [locale_cmd("de_DE.ISO-8859-15@euro ISO-8859-15")],
    }
    (change,) = LOCALE.plan(LocaleArgs("de_DE@euro"), f)
    assert change.commands[0].display() == locale_cmd("de_DE@euro ISO-8859-1")


def test_a_generated_locale_needs_nothing() -> None:
    f = Facts({Locales.ref(): ["C", "en_US.utf8"]})
    assert LOCALE.plan(LocaleArgs("en_US.UTF-8"), f) == []


def test_the_default_locale_replaces_etc_default_locale_if_unchanged_since_the_plan() -> None:
    old = b"LANG=C\n"
    new = b"LANG=en_US.UTF-8\n"
    f = Facts(
        {
            Locales.ref(): ["en_US.utf8"],
            FileInfo.ref(path="/etc/default/locale"): file(len(old)),
            FileContent.ref(path="/etc/default/locale"): Content(sha(old), old),
        }
    )
    (change,) = LOCALE.plan(LocaleArgs("en_US.UTF-8", default=True), f)
    assert change.to_json() == {
        "action": "update",
        "summary": "update default locale /etc/default/locale",
        "commands": [
            "if [ -e /etc/default/locale ]; then c=$(sha256sum < /etc/default/locale | "
            f'cut -c1-64); else c=absent; fi; if [ "$c" = {sha(new)} ]; then :; '
            f'elif [ "$c" = {sha(old)} ]; then '
            "t=$(mktemp -- /etc/default/.locale.specops-XXXXXXXX ) && "
            f'{{ printf %s {b64(new)} | base64 -d > "$t" && '
            'chmod --reference /etc/default/locale "$t" && '
            'chown --reference /etc/default/locale "$t" && '
            'mv -f -- "$t" /etc/default/locale ; } || { rm -f -- "$t"; exit 1; } ; '
            "else echo '/etc/default/locale changed on the host since it was planned; "
            "plan again' >&2; exit 1; fi"
        ],
        "diff": "--- /etc/default/locale\n+++ /etc/default/locale\n@@ -1 +1 @@\n"
        "-LANG=C\n+LANG=en_US.UTF-8\n",
    }


def test_locale_effects_add_the_locale_once_and_the_default_file() -> None:
    f = Facts(
        {
            Locales.ref(): ["C", "en_US.utf8"],
            FileInfo.ref(path="/etc/default/locale"): None,
            FileContent.ref(path="/etc/default/locale"): None,
        }
    )
    assert LOCALE.effects(LocaleArgs("en_US.UTF-8"), f) == {Locales.ref(): ["C", "en_US.utf8"]}
    data = b"LANG=de_DE.UTF-8\n"
    assert LOCALE.effects(LocaleArgs("de_DE.UTF-8", default=True), f) == {
        Locales.ref(): ["C", "de_DE.utf8", "en_US.utf8"],
        FileContent.ref(path="/etc/default/locale"): Content(sha(data), data),
        FileInfo.ref(path="/etc/default/locale"): file(len(data)),
    }


# -- server.sysctl -----------------------------------------------------------------------

OWN = "/etc/sysctl.d/60-specops-vm.swappiness.conf"


def sysctl_facts(path: str, current: bytes | None, live: str | None = "60") -> Facts:
    return Facts(
        {
            Sysctl.ref(key="vm.swappiness"): live,
            FileInfo.ref(path=path): None if current is None else file(len(current)),
            FileContent.ref(path=path): None if current is None else Content(sha(current), current),
        }
    )


def test_sysctl_reads_the_live_value_and_its_file_as_asked() -> None:
    assert SYSCTL.facts(SysctlArgs("vm.swappiness", "10")) == [
        Sysctl.ref(key="vm.swappiness"),
        FileInfo.ref(path=OWN),
        FileContent.ref(path=OWN),
    ]
    assert SYSCTL.facts(SysctlArgs("vm.swappiness", "10", live=False)) == [
        FileInfo.ref(path=OWN),
        FileContent.ref(path=OWN),
    ]
    assert SYSCTL.facts(SysctlArgs("vm.swappiness", "10", persist=False)) == [
        Sysctl.ref(key="vm.swappiness")
    ]


def test_a_key_with_slashes_gets_a_file_named_with_dots() -> None:
    a = SysctlArgs("net/ipv4/ip_forward", "1", live=False)
    path = "/etc/sysctl.d/60-specops-net.ipv4.ip_forward.conf"
    assert SYSCTL.facts(a) == [FileInfo.ref(path=path), FileContent.ref(path=path)]
    data = b"net/ipv4/ip_forward = 1\n"
    f = Facts({FileInfo.ref(path=path): None, FileContent.ref(path=path): None})
    assert SYSCTL.effects(a, f) == {
        FileContent.ref(path=path): Content(sha(data), data),
        FileInfo.ref(path=path): file(len(data)),
    }


def test_a_new_key_is_written_to_its_own_file_and_set_live() -> None:
    a = SysctlArgs("vm.swappiness", " 10 ")
    changes = SYSCTL.plan(a, sysctl_facts(OWN, None))
    data = b"vm.swappiness = 10\n"
    assert [c.to_json() for c in changes] == [
        {
            "action": "create",
            "summary": f"create sysctl file {OWN} ({len(data)} bytes)",
            "commands": [
                "t=$(mktemp -- /etc/sysctl.d/.60-specops-vm.swappiness.conf.specops-XXXXXXXX ) "
                f'&& {{ printf %s {b64(data)} | base64 -d > "$t" && chmod 0644 "$t" && '
                f'mv -f -- "$t" {OWN} ; }} || {{ rm -f -- "$t"; exit 1; }}'
            ],
            "diff": f"--- /dev/null\n+++ {OWN}\n@@ -0,0 +1 @@\n+vm.swappiness = 10\n",
        },
        {
            "action": "update",
            "summary": "vm.swappiness 60 → 10",
            "commands": ["sysctl -q -w vm.swappiness=10"],
        },
    ]


def test_an_own_file_is_overwritten_whatever_it_holds() -> None:
    old, data = b"vm.swappiness = 60\n", b"vm.swappiness = 10\n"
    (change,) = SYSCTL.plan(SysctlArgs("vm.swappiness", "10", live=False), sysctl_facts(OWN, old))
    assert change.commands[0].display() == (
        "t=$(mktemp -- /etc/sysctl.d/.60-specops-vm.swappiness.conf.specops-XXXXXXXX ) "
        f'&& {{ printf %s {b64(data)} | base64 -d > "$t" && '
        f'chmod --reference {OWN} "$t" && chown --reference {OWN} "$t" && '
        f'mv -f -- "$t" {OWN} ; }} || {{ rm -f -- "$t"; exit 1; }}'
    )


def test_several_numbers_are_compared_with_single_spaces() -> None:
    a = SysctlArgs("net.ipv4.ip_local_port_range", "1024   65000", persist=False)
    f = Facts({Sysctl.ref(key="net.ipv4.ip_local_port_range"): "1024 65000"})
    assert SYSCTL.plan(a, f) == []
    f = Facts({Sysctl.ref(key="net.ipv4.ip_local_port_range"): "32768 60999"})
    assert [c.to_json() for c in SYSCTL.plan(a, f)] == [
        {
            "action": "update",
            "summary": "net.ipv4.ip_local_port_range 32768 60999 → 1024 65000",
            "commands": ["sysctl -q -w 'net.ipv4.ip_local_port_range=1024 65000'"],
        }
    ]


def test_an_unknown_key_is_a_plan_error_when_set_live() -> None:
    with pytest.raises(PlanError) as e:
        SYSCTL.plan(
            SysctlArgs("vm.nope", "1", persist=False), Facts({Sysctl.ref(key="vm.nope"): None})
        )
    assert str(e.value) == "unknown kernel parameter 'vm.nope'"


def test_a_shared_file_gets_the_line_replaced_others_kept() -> None:
    path = "/etc/sysctl.d/99-hardening.conf"
    old = (
        b"# vm.swappiness = 1\nvm.swappiness\nkernel.x = 1\n"
        b" vm.swappiness=60\nvm.swappiness = 70\nvm.swappiness.other = 2\n"
    )
    a = SysctlArgs("vm.swappiness", "10", live=False, file="99-hardening.conf")
    new = (
        b"# vm.swappiness = 1\nvm.swappiness\nkernel.x = 1\n"
        b"vm.swappiness = 10\nvm.swappiness.other = 2\n"
    )
    got = SYSCTL.effects(a, sysctl_facts(path, old))
    assert got == {
        FileContent.ref(path=path): Content(sha(new), new),
        FileInfo.ref(path=path): file(len(new)),
    }


def test_a_shared_file_without_the_key_gets_it_appended() -> None:
    path = "/etc/sysctl.d/99-hardening.conf"
    a = SysctlArgs("net/ipv4/ip_forward", "1", live=False, file="99-hardening.conf")
    old = b"kernel.x = 1\n"
    new = b"kernel.x = 1\nnet/ipv4/ip_forward = 1\n"
    assert SYSCTL.effects(a, sysctl_facts(path, old))[FileContent.ref(path=path)] == Content(
        sha(new), new
    )
    assert SYSCTL.effects(a, sysctl_facts(path, None))[FileContent.ref(path=path)] == Content(
        sha(b"net/ipv4/ip_forward = 1\n"), b"net/ipv4/ip_forward = 1\n"
    )


def test_a_slashed_key_replaces_its_dotted_line_in_a_shared_file() -> None:
    path = "/etc/sysctl.d/99-hardening.conf"
    a = SysctlArgs("net/ipv4/ip_forward", "1", live=False, file="99-hardening.conf")
    old = b"net.ipv4.ip_forward = 0\n"
    new = b"net/ipv4/ip_forward = 1\n"
    assert SYSCTL.effects(a, sysctl_facts(path, old))[FileContent.ref(path=path)] == Content(
        sha(new), new
    )


def test_a_shared_file_is_edited_only_if_unchanged_since_the_plan() -> None:
    path = "/etc/sysctl.d/99-hardening.conf"
    a = SysctlArgs("vm.swappiness", "10", live=False, file="99-hardening.conf")
    (change,) = SYSCTL.plan(a, sysctl_facts(path, None))
    data = b"vm.swappiness = 10\n"
    assert change.to_json() == {
        "action": "create",
        "summary": f"create sysctl file {path} ({len(data)} bytes)",
        "commands": [
            f"if [ -e {path} ]; then c=$(sha256sum < {path} | cut -c1-64); else c=absent; fi; "
            f'if [ "$c" = {sha(data)} ]; then :; elif [ "$c" = absent ]; then '
            "t=$(mktemp -- /etc/sysctl.d/.99-hardening.conf.specops-XXXXXXXX ) && "
            f'{{ printf %s {b64(data)} | base64 -d > "$t" && chmod 0644 "$t" && '
            f'mv -f -- "$t" {path} ; }} || {{ rm -f -- "$t"; exit 1; }} ; '
            f"else echo '{path} changed on the host since it was planned; plan again' >&2; "
            "exit 1; fi"
        ],
        "diff": f"--- /dev/null\n+++ {path}\n@@ -0,0 +1 @@\n+vm.swappiness = 10\n",
    }


def test_sysctl_effects_are_the_live_value_and_the_file_as_asked() -> None:
    f = sysctl_facts(OWN, None)
    data = b"vm.swappiness = 10\n"
    assert SYSCTL.effects(SysctlArgs("vm.swappiness", "10  "), f) == {
        Sysctl.ref(key="vm.swappiness"): "10",
        FileContent.ref(path=OWN): Content(sha(data), data),
        FileInfo.ref(path=OWN): file(len(data)),
    }
    assert SYSCTL.effects(SysctlArgs("vm.swappiness", "10", persist=False), f) == {
        Sysctl.ref(key="vm.swappiness"): "10"
    }


# -- server.alternatives -----------------------------------------------------------------

VIM, NANO = "/usr/bin/vim.basic", "/bin/nano"


def alt(state: AlternativeState | None) -> Facts:
    return Facts({Alternative.ref(name="editor"): state})


def test_alternatives_read_their_group() -> None:
    assert ALT.facts(AlternativesArgs("editor", VIM)) == [Alternative.ref(name="editor")]


def test_an_unknown_group_or_choice_is_a_plan_error() -> None:
    with pytest.raises(PlanError) as e:
        ALT.plan(AlternativesArgs("editor", VIM), alt(None))
    assert str(e.value) == "no alternatives group 'editor'"
    with pytest.raises(PlanError) as e:
        ALT.plan(
            AlternativesArgs("editor", "/bin/ed"), alt(AlternativeState("auto", NANO, [NANO, VIM]))
        )
    assert str(e.value) == f"/bin/ed is not a choice of editor (choices: {NANO}, {VIM})"


def test_a_choice_is_set_manually_even_when_auto_picked_it() -> None:
    expected = {
        "action": "update",
        "summary": f"alternative editor: {NANO} → {VIM}",
        "commands": [f"update-alternatives --quiet --set editor {VIM}"],
    }
    (change,) = ALT.plan(
        AlternativesArgs("editor", VIM), alt(AlternativeState("manual", NANO, [NANO, VIM]))
    )
    assert change.to_json() == expected
    (change,) = ALT.plan(
        AlternativesArgs("editor", VIM), alt(AlternativeState("auto", VIM, [NANO, VIM]))
    )
    assert change.summary == f"alternative editor: {VIM} → {VIM}"
    assert (
        ALT.plan(AlternativesArgs("editor", VIM), alt(AlternativeState("manual", VIM, [VIM]))) == []
    )


def test_alternatives_effects_are_the_manual_choice() -> None:
    a = AlternativesArgs("editor", VIM)
    assert ALT.effects(a, alt(AlternativeState("auto", NANO, [NANO, VIM]))) == {
        Alternative.ref(name="editor"): AlternativeState("manual", VIM, [NANO, VIM])
    }
    assert ALT.effects(a, alt(None)) == {
        Alternative.ref(name="editor"): AlternativeState("manual", VIM, [VIM])
    }


# -- server.reboot -----------------------------------------------------------------------

REQUIRED = FileInfo.ref(path="/run/reboot-required")


def test_reboot_reaches_run_tmp_and_every_fact_without_a_path() -> None:
    assert REBOOT.reach(RebootArgs()) == Reach(paths=("/run", "/tmp"), facts=("*",))
    assert REBOOT.facts(RebootArgs()) == [REQUIRED]


def test_reboot_when_required_or_always() -> None:
    expected = {
        "action": "run",
        "summary": "reboot",
        "commands": ["nohup sh -c 'sleep 2 && reboot' >/dev/null 2>&1 &"],
    }
    assert REBOOT.plan(RebootArgs(), Facts({REQUIRED: None})) == []
    (change,) = REBOOT.plan(RebootArgs(), Facts({REQUIRED: file(0)}))
    assert change.to_json() == expected
    (change,) = REBOOT.plan(RebootArgs(only_if_required=False), Facts({REQUIRED: None}))
    assert change.to_json() == expected
    assert REBOOT.effects(RebootArgs(), Facts({REQUIRED: file(0)})) == {REQUIRED: None}


def test_a_new_locale_made_the_default_is_generated_first() -> None:
    new = b"LANG=fr_FR.UTF-8\n"
    f = Facts(
        {
            Locales.ref(): ["C"],
            FileInfo.ref(path="/etc/default/locale"): None,
            FileContent.ref(path="/etc/default/locale"): None,
        }
    )
    changes = LOCALE.plan(LocaleArgs("fr_FR.UTF-8", default=True), f)
    assert [c.summary for c in changes] == [
        "generate locale fr_FR.UTF-8",
        f"create default locale /etc/default/locale ({len(new)} bytes)",
    ]
    assert changes[0].commands[0].display() == locale_cmd("fr_FR.UTF-8 UTF-8")


def test_several_numbers_are_persisted_and_predicted_with_single_spaces() -> None:
    key = "net.ipv4.ip_local_port_range"
    path = f"/etc/sysctl.d/60-specops-{key}.conf"
    a = SysctlArgs(key, "1024\t 65000")
    f = Facts(
        {
            Sysctl.ref(key=key): "32768 60999",
            FileInfo.ref(path=path): None,
            FileContent.ref(path=path): None,
        }
    )
    data = f"{key} = 1024 65000\n".encode()
    assert SYSCTL.effects(a, f) == {
        Sysctl.ref(key=key): "1024 65000",
        FileContent.ref(path=path): Content(sha(data), data),
        FileInfo.ref(path=path): file(len(data)),
    }
    shared = SysctlArgs(key, "1024  65000", live=False, file="99-net.conf")
    got = SYSCTL.effects(shared, sysctl_facts("/etc/sysctl.d/99-net.conf", b"# net\n"))
    assert got[FileContent.ref(path="/etc/sysctl.d/99-net.conf")] == Content(
        sha(b"# net\n" + data), b"# net\n" + data
    )


def test_a_value_with_an_equals_sign_is_still_the_keys_line() -> None:
    path = "/etc/sysctl.d/99-core.conf"
    a = SysctlArgs("kernel.core_pattern", "core.%e", live=False, file="99-core.conf")
    old = b"kernel.core_pattern = |/bin/dump --opt=1\n"
    new = b"kernel.core_pattern = core.%e\n"
    got = SYSCTL.effects(a, sysctl_facts(path, old))
    assert got[FileContent.ref(path=path)] == Content(sha(new), new)


def test_a_shared_file_too_large_to_edit_is_a_plan_error() -> None:
    path = "/etc/sysctl.d/99-hardening.conf"
    a = SysctlArgs("vm.swappiness", "10", live=False, file="99-hardening.conf")
    f = Facts(
        {
            FileInfo.ref(path=path): file(2 << 20),
            FileContent.ref(path=path): Content("0" * 64, None),
        }
    )
    with pytest.raises(PlanError) as e:
        SYSCTL.plan(a, f)
    assert str(e.value) == f"{path} is larger than specops edits in place"
