"""ssh.authorized_key, ssh.known_host, ssh.keygen and ssh.sshd_option (runtime/operations/ssh.py),
expected values by hand.

Keys are matched by type and key, never by comment or options; every other line of
authorized_keys and known_hosts is kept as it is."""

from __future__ import annotations

import base64
import hashlib

import pytest

from specops.compiler.catalog import PathAttrs
from specops.runtime.core.fact import Facts
from specops.runtime.core.operation import PlanError
from specops.runtime.core.reach import Reach
from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat
from specops.runtime.facts.ssh import AuthorizedKeys
from specops.runtime.operations.ssh import (
    AuthorizedKey,
    AuthorizedKeyArgs,
    Keygen,
    KeygenArgs,
    KnownHost,
    KnownHostArgs,
    SshdOption,
    SshdOptionArgs,
    _short,
    check_key,
    edit_known_hosts,
    key_id,
)

AUTH, KNOWN, KEYGEN, SSHD = AuthorizedKey(), KnownHost(), Keygen(), SshdOption()
ED = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
RSA = "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# -- key lines ---------------------------------------------------------------------------


def test_public_key_lines() -> None:
    for ok in (
        f"ssh-ed25519 {ED}",
        f"ssh-ed25519 {ED} alice@laptop",
        f"  ssh-rsa {RSA} bob at home \n",
        f'from="10.0.0.1" ssh-dss {RSA}',
        f"ecdsa-sha2-nistp256 {RSA}",
        f"sk-ssh-ed25519@openssh.com {ED}",
    ):
        assert check_key(ok) is None, ok
    for bad in (f"ssh-foo {ED}", "ssh-ed25519", f"ssh-ed25519 {ED}!", "", 5, None):
        assert check_key(bad) == "not an OpenSSH public key line", bad


def test_a_key_is_known_by_its_type_and_key() -> None:
    assert key_id(f"ssh-ed25519 {ED} alice@laptop") == ("ssh-ed25519", ED)
    assert key_id(f'from="10.0.0.1",no-pty ssh-rsa {RSA}') == ("ssh-rsa", RSA)
    assert key_id(f"ecdsa-sha2-nistp256 {RSA} c") == ("ecdsa-sha2-nistp256", RSA)
    assert key_id(f"sk-ssh-ed25519@openssh.com {ED}") == ("sk-ssh-ed25519@openssh.com", ED)
    assert key_id("ssh-ed25519") is None
    assert key_id(f"{ED} ssh-rsa") is None
    assert key_id("# a comment") is None
    assert key_id("") is None


def test_a_key_is_shown_short_with_its_comment() -> None:
    assert _short(f"ssh-ed25519 {ED} alice@laptop") == "ssh-ed25519 …h2l9GKJl (alice@laptop)"
    assert _short(f"ssh-rsa {RSA}") == "ssh-rsa …AAABAQC7"
    # Options before the type are not a comment, and the key is not one either.
    assert _short(f'from="10.0.0.1" ssh-rsa {RSA}') == "ssh-rsa …AAABAQC7"
    assert _short("not a key") == "? …"


# -- authorized_keys: the fact ---------------------------------------------------------


def test_authorized_keys_are_read_through_the_users_home() -> None:
    assert AuthorizedKeys.ref(user="deploy").command().render() == (
        'h=$(getent passwd deploy | cut -d: -f6) && [ -n "$h" ] && '
        '{ printf "keys:"; cat "$h/.ssh/authorized_keys" 2>/dev/null | base64 -w0; echo; } '
        "|| echo nouser"
    )


def test_authorized_keys_parse() -> None:
    text = f"ssh-ed25519 {ED} a\r\n# note\n\nssh-rsa {RSA}\n".encode()
    assert AuthorizedKeys.parse(f"keys:{b64(text)}\n") == [
        f"ssh-ed25519 {ED} a",
        "# note",
        "",
        f"ssh-rsa {RSA}",
    ]
    assert AuthorizedKeys.parse("keys:\n") == []
    assert AuthorizedKeys.parse("nouser\n") is None
    assert AuthorizedKeys.parse("") is None
    latin1 = b64(b"caf\xe9")  # not UTF-8: kept byte for byte
    assert AuthorizedKeys.parse("keys:" + latin1) == ["caf\udce9"]


# -- ssh.authorized_key ----------------------------------------------------------------


def keys(lines: list[str] | None, user: str = "deploy") -> Facts:
    return Facts({AuthorizedKeys.ref(user=user): lines})


def add_cmd(user: str, key: str) -> str:
    return (
        f"h=$(getent passwd {user} | cut -d: -f6) && g=$(id -gn {user} ) && "
        f'install -d -m 700 -o {user} -g "$g" "$h/.ssh" && f="$h/.ssh/authorized_keys" && '
        f'touch "$f" && chown {user}: "$f" && chmod 600 "$f" && '
        f"{{ grep -qxF -- '{key}' \"$f\" || printf '%s\\n' '{key}' >> \"$f\"; }}"
    )


def test_authorized_key_reads_the_users_keys() -> None:
    a = AuthorizedKeyArgs("deploy", f"ssh-ed25519 {ED}")
    assert AUTH.facts(a) == [AuthorizedKeys.ref(user="deploy")]


def test_a_new_key_is_appended_unless_the_same_line_is_there() -> None:
    key = f"ssh-ed25519 {ED} alice@laptop"
    a = AuthorizedKeyArgs("deploy", f"  {key}\n")
    (change,) = AUTH.plan(a, keys([f"ssh-rsa {RSA}"]))
    assert change.to_json() == {
        "action": "create",
        "summary": "authorize key ssh-ed25519 …h2l9GKJl (alice@laptop) for deploy",
        "commands": [add_cmd("deploy", key)],
    }


def test_a_key_for_a_user_created_in_the_same_run_is_added() -> None:
    (change,) = AUTH.plan(AuthorizedKeyArgs("app", f"ssh-rsa {RSA}"), keys(None, "app"))
    assert change.commands[0].display() == add_cmd("app", f"ssh-rsa {RSA}")


def test_a_key_present_with_another_comment_or_options_needs_nothing() -> None:
    a = AuthorizedKeyArgs("deploy", f"ssh-ed25519 {ED} alice@laptop")
    assert AUTH.plan(a, keys([f"no-pty ssh-ed25519 {ED} alice@old"])) == []


def test_a_key_is_removed_on_the_host_by_its_key() -> None:
    a = AuthorizedKeyArgs("deploy", f"ssh-rsa {RSA} bob", present=False)
    (change,) = AUTH.plan(a, keys([f"ssh-ed25519 {ED}", f'from="x" ssh-rsa {RSA} old']))
    assert change.to_json() == {
        "action": "delete",
        "summary": "remove key ssh-rsa …AAABAQC7 (bob) for deploy",
        "commands": [
            'h=$(getent passwd deploy | cut -d: -f6); f="$h/.ssh/authorized_keys"; '
            'if [ -n "$h" ] && [ -f "$f" ]; then t=$(mktemp "$f.XXXXXXXX") && '
            f'{{ grep -vF -- {RSA} "$f" || true; }} > "$t" && '
            'chmod --reference "$f" "$t" && chown --reference "$f" "$t" && mv -f "$t" "$f"; fi'
        ],
    }


def test_removing_a_key_that_is_not_there_needs_nothing() -> None:
    a = AuthorizedKeyArgs("deploy", f"ssh-rsa {RSA}", present=False)
    assert AUTH.plan(a, keys([f"ssh-ed25519 {ED}"])) == []
    assert AUTH.plan(a, keys([])) == []
    assert AUTH.plan(a, keys(None)) == []


def test_authorized_key_effects() -> None:
    other = f"ssh-ed25519 {ED} a"
    add = AuthorizedKeyArgs("deploy", f" ssh-rsa {RSA} bob ")
    ref = AuthorizedKeys.ref(user="deploy")
    assert AUTH.effects(add, keys([other])) == {ref: [other, f"ssh-rsa {RSA} bob"]}
    assert AUTH.effects(add, keys(None)) == {ref: [f"ssh-rsa {RSA} bob"]}
    there = [other, f"ssh-rsa {RSA} old"]
    assert AUTH.effects(add, keys(there)) == {ref: there}
    gone = AuthorizedKeyArgs("deploy", f"ssh-rsa {RSA}", present=False)
    assert AUTH.effects(gone, keys([f"ssh-rsa {RSA} x", other, f"ssh-rsa {RSA} y"])) == {
        ref: [other]
    }
    assert AUTH.effects(gone, keys(None)) == {ref: []}


# -- ssh.known_host ----------------------------------------------------------------------


def test_a_new_host_key_is_appended() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED} comment")
    assert edit_known_hosts("", a) == f"github.com ssh-ed25519 {ED}\n"
    assert edit_known_hosts("gitlab.com ssh-ed25519 AAAAx\n", a) == (
        f"gitlab.com ssh-ed25519 AAAAx\ngithub.com ssh-ed25519 {ED}\n"
    )


def test_a_changed_host_key_is_replaced_other_types_and_hosts_kept() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED}")
    text = (
        "# known hosts\n"
        "github.com,140.82.121.4 ssh-ed25519 AAAAold\n"
        "github.com ssh-rsa AAAArsa\n"
        "github.com ssh-ed25519\n"
        "github.com.evil ssh-ed25519 AAAAe\n"
        "github.com ssh-ed25519 AAAAdup\n"
    )
    assert edit_known_hosts(text, a) == (
        "# known hosts\n"
        f"github.com ssh-ed25519 {ED}\n"
        "github.com ssh-rsa AAAArsa\n"
        "github.com ssh-ed25519\n"
        "github.com.evil ssh-ed25519 AAAAe\n"
    )


def test_a_host_key_already_trusted_keeps_its_line() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED}")
    text = f"gh,github.com ssh-ed25519 {ED} note\n"
    assert edit_known_hosts(text, a) == text


def test_an_absent_host_key_loses_its_lines_of_that_type() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED}", present=False)
    text = (
        "github.com ssh-ed25519 AAAAold\ngithub.com ssh-rsa AAAArsa\nx,github.com ssh-ed25519 b\n"
    )
    assert edit_known_hosts(text, a) == "github.com ssh-rsa AAAArsa\n"
    assert edit_known_hosts("", a) == ""


KH = "/etc/ssh/ssh_known_hosts"


def kh_facts(path: str, data: bytes | None) -> Facts:
    return Facts(
        {
            FileInfo.ref(path=path): (
                None if data is None else FileStat("file", "0600", "root", "root", len(data))
            ),
            FileContent.ref(path=path): None if data is None else Content(sha(data), data),
        }
    )


def test_known_host_edits_its_file_only_if_unchanged_since_the_plan() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED}", path="/root/.ssh/known_hosts")
    path = "/root/.ssh/known_hosts"
    assert KNOWN.facts(a) == [FileInfo.ref(path=path), FileContent.ref(path=path)]
    new = f"github.com ssh-ed25519 {ED}\n".encode()
    (change,) = KNOWN.plan(a, kh_facts(path, None))
    assert change.to_json() == {
        "action": "create",
        "summary": f"create known_hosts {path} ({len(new)} bytes)",
        "commands": [
            f"if [ -e {path} ]; then c=$(sha256sum < {path} | cut -c1-64); else c=absent; fi; "
            f'if [ "$c" = {sha(new)} ]; then :; elif [ "$c" = absent ]; then '
            "t=$(mktemp -- /root/.ssh/.known_hosts.specops-XXXXXXXX ) && "
            f'{{ printf %s {b64(new)} | base64 -d > "$t" && chmod 0644 "$t" && '
            f'mv -f -- "$t" {path} ; }} || {{ rm -f -- "$t"; exit 1; }} ; '
            f"else echo '{path} changed on the host since it was planned; plan again' >&2; "
            "exit 1; fi"
        ],
        "diff": f"--- /dev/null\n+++ {path}\n@@ -0,0 +1 @@\n+github.com ssh-ed25519 {ED}\n",
    }


def test_a_trusted_key_in_a_loose_file_gets_the_mode_fixed() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED}")
    data = f"github.com ssh-ed25519 {ED}\n".encode()
    assert [c.to_json() for c in KNOWN.plan(a, kh_facts(KH, data))] == [
        {"action": "update", "summary": "mode 0600 → 0644", "commands": [f"chmod 0644 {KH}"]}
    ]


def test_removing_from_a_missing_file_needs_nothing_and_predicts_nothing() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED}", present=False)
    assert KNOWN.plan(a, kh_facts(KH, None)) == []
    assert KNOWN.effects(a, kh_facts(KH, None)) == {}


def test_known_host_effects() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED}")
    old = b"gitlab.com ssh-ed25519 AAAAx\n"
    new = old + f"github.com ssh-ed25519 {ED}\n".encode()
    assert KNOWN.effects(a, kh_facts(KH, old)) == {
        FileContent.ref(path=KH): Content(sha(new), new),
        FileInfo.ref(path=KH): FileStat("file", "0644", "root", "root", len(new)),
    }
    gone = KnownHostArgs("gitlab.com", "ssh-ed25519 AAAAx", present=False)
    assert KNOWN.effects(gone, kh_facts(KH, old)) == {
        FileContent.ref(path=KH): Content(sha(b""), b""),
        FileInfo.ref(path=KH): FileStat("file", "0644", "root", "root", 0),
    }


# -- ssh.keygen --------------------------------------------------------------------------


def test_keygen_reaches_both_key_files() -> None:
    a = KeygenArgs("/home/deploy/.ssh/id_ed25519")
    assert KEYGEN.reach(a) == Reach(
        paths=("/home/deploy/.ssh/id_ed25519", "/home/deploy/.ssh/id_ed25519.pub")
    )
    assert KEYGEN.facts(a) == [FileInfo.ref(path="/home/deploy/.ssh/id_ed25519")]


def test_a_missing_key_is_generated_for_its_user() -> None:
    a = KeygenArgs("/home/deploy/.ssh/id_rsa", type="rsa", user="deploy", comment="deploy key")
    (change,) = KEYGEN.plan(a, Facts({FileInfo.ref(path=a.path): None}))
    assert change.to_json() == {
        "action": "create",
        "summary": "generate rsa key /home/deploy/.ssh/id_rsa",
        "commands": [
            "mkdir -p -m 700 -- /home/deploy/.ssh",
            "[ -e /home/deploy/.ssh/id_rsa ] || ssh-keygen -q -N '' -t rsa "
            "-C 'deploy key' -f /home/deploy/.ssh/id_rsa",
            "chown deploy: -- /home/deploy/.ssh /home/deploy/.ssh/id_rsa "
            "/home/deploy/.ssh/id_rsa.pub",
        ],
    }


def test_a_key_at_the_root_without_user_or_comment() -> None:
    a = KeygenArgs("/hostkey")
    (change,) = KEYGEN.plan(a, Facts({FileInfo.ref(path="/hostkey"): None}))
    assert [c.display() for c in change.commands] == [
        "mkdir -p -m 700 -- /",
        "[ -e /hostkey ] || ssh-keygen -q -N '' -t ed25519 -C '' -f /hostkey",
    ]


def test_an_existing_key_is_kept() -> None:
    a = KeygenArgs("/root/.ssh/id_ed25519")
    st = FileStat("file", "0600", "root", "root", 411)
    assert KEYGEN.plan(a, Facts({FileInfo.ref(path=a.path): st})) == []


def test_keygen_effects_are_a_private_key_of_its_user() -> None:
    f = Facts({FileInfo.ref(path="/k"): None})
    assert KEYGEN.effects(KeygenArgs("/k", user="app"), f) == {
        FileInfo.ref(path="/k"): FileStat("file", "0600", "app", "app", 411)
    }
    assert KEYGEN.effects(KeygenArgs("/k"), f) == {
        FileInfo.ref(path="/k"): FileStat("file", "0600", "root", "root", 411)
    }


# -- ssh.sshd_option ---------------------------------------------------------------------

DROP = "/etc/ssh/sshd_config.d/10-specops-passwordauthentication.conf"


def test_sshd_option_owns_one_drop_in_named_after_its_keyword() -> None:
    a = SshdOptionArgs("PasswordAuthentication", "no")
    assert SSHD.attributes(a) == [PathAttrs(DROP, {"mode": "0644"}, is_dir=False)]
    assert SSHD.facts(a) == [FileInfo.ref(path=DROP), FileContent.ref(path=DROP)]


def test_a_changed_option_is_checked_by_sshd_first() -> None:
    a = SshdOptionArgs("PasswordAuthentication", "no")
    old, new = b"PasswordAuthentication yes\n", b"PasswordAuthentication no\n"
    (change,) = SSHD.plan(a, kh_facts(DROP, old))
    assert change.to_json() == {
        "action": "update",
        "summary": f"update sshd drop-in {DROP}, mode 0600 → 0644",
        "commands": [
            "sshd -t -o PasswordAuthentication=no",
            "t=$(mktemp -- /etc/ssh/sshd_config.d/.10-specops-passwordauthentication.conf."
            f'specops-XXXXXXXX ) && {{ printf %s {b64(new)} | base64 -d > "$t" && '
            f'chmod --reference {DROP} "$t" && chown --reference {DROP} "$t" && '
            f'chmod 0644 "$t" && mv -f -- "$t" {DROP} ; }} || {{ rm -f -- "$t"; exit 1; }}',
        ],
        "diff": f"--- {DROP}\n+++ {DROP}\n@@ -1 +1 @@\n"
        "-PasswordAuthentication yes\n+PasswordAuthentication no\n",
    }


def test_an_option_as_declared_needs_nothing() -> None:
    a = SshdOptionArgs("PasswordAuthentication", "no")
    data = b"PasswordAuthentication no\n"
    f = Facts(
        {
            FileInfo.ref(path=DROP): FileStat("file", "0644", "root", "root", len(data)),
            FileContent.ref(path=DROP): Content(sha(data), data),
        }
    )
    assert SSHD.plan(a, f) == []


def test_a_mode_fix_alone_is_checked_too() -> None:
    a = SshdOptionArgs("Port", "2222")
    path = "/etc/ssh/sshd_config.d/10-specops-port.conf"
    changes = SSHD.plan(a, kh_facts(path, b"Port 2222\n"))
    assert [c.to_json() for c in changes] == [
        {
            "action": "update",
            "summary": "mode 0600 → 0644",
            "commands": ["sshd -t -o Port=2222", f"chmod 0644 {path}"],
        }
    ]


def test_sshd_option_effects() -> None:
    a = SshdOptionArgs("X11Forwarding", "no")
    path = "/etc/ssh/sshd_config.d/10-specops-x11forwarding.conf"
    data = b"X11Forwarding no\n"
    assert SSHD.effects(a, kh_facts(path, None)) == {
        FileContent.ref(path=path): Content(sha(data), data),
        FileInfo.ref(path=path): FileStat("file", "0644", "root", "root", len(data)),
    }


@pytest.mark.parametrize("value", ["no", "yes"])
def test_sshd_option_data_is_keyword_space_value(value: str) -> None:
    a = SshdOptionArgs("PermitRootLogin", value)
    path = "/etc/ssh/sshd_config.d/10-specops-permitrootlogin.conf"
    data = f"PermitRootLogin {value}\n".encode()
    assert SSHD.effects(a, kh_facts(path, None))[FileContent.ref(path=path)] == Content(
        sha(data), data
    )


def test_sshd_option_effects_fix_the_mode_of_an_existing_drop_in() -> None:
    a = SshdOptionArgs("Port", "2222")
    path = "/etc/ssh/sshd_config.d/10-specops-port.conf"
    data = b"Port 2222\n"
    assert SSHD.effects(a, kh_facts(path, b"Port 22\n")) == {
        FileContent.ref(path=path): Content(sha(data), data),
        FileInfo.ref(path=path): FileStat("file", "0644", "root", "root", len(data)),
    }


def test_a_known_hosts_file_too_large_to_edit_is_a_plan_error() -> None:
    a = KnownHostArgs("github.com", f"ssh-ed25519 {ED}")
    f = Facts(
        {
            FileInfo.ref(path=KH): FileStat("file", "0644", "root", "root", 2 << 20),
            FileContent.ref(path=KH): Content("0" * 64, None),
        }
    )
    with pytest.raises(PlanError) as e:
        KNOWN.plan(a, f)
    assert str(e.value) == f"{KH} is larger than specops edits in place"
