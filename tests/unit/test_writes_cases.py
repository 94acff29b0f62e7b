"""Atomic writes on hosts (specops/runtime/kit/writes.py): the exact commands, by hand."""

from __future__ import annotations

import base64
import hashlib

from specops.runtime.core.command import SENSITIVE, Command, raw
from specops.runtime.kit.writes import (
    INLINE_LIMIT,
    sha256,
    validate_arg,
    write_file,
    write_if_unchanged,
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


TAIL = ' ; } || { rm -f -- "$t"; exit 1; }'
A, B = sha(b"a\n"), sha(b"b\n")


# -- validate_arg ---------------------------------------------------------------------------


def test_the_validate_argument_is_optional_and_documented() -> None:
    f = validate_arg()
    assert f.default is None
    assert f.metadata["doc"] == (
        "A command that checks the new file before it replaces the old one; %s is the new "
        'file, e.g. "visudo -cf %s", "sshd -t -f %s", "nginx -t -c %s". A file that fails '
        "is never put in place: the op fails with the command's output."
    )


def test_a_validate_command_must_name_the_new_file() -> None:
    check = validate_arg().metadata["check"]
    assert check("visudo -cf %s") is None
    assert check("visudo -c") == 'must name the new file as %s, e.g. "visudo -cf %s"'
    assert check("visudo -cf %S") == 'must name the new file as %s, e.g. "visudo -cf %s"'


# -- write_file -----------------------------------------------------------------------------


def test_a_new_file_with_a_mode_and_a_check() -> None:
    cmd = write_file(
        "/etc/sudoers.d/app",
        b"x\n",
        mode="0440",
        user=None,
        group=None,
        existing=False,
        validate="visudo -cf %s",
    )
    assert cmd.display() == (
        "t=$(mktemp -- /etc/sudoers.d/.app.specops-XXXXXXXX ) && { printf %s eAo= | base64 -d "
        '> "$t" && chmod 0440 "$t" && sh -c \'visudo -cf "$1"\' specops-validate "$t" '
        '&& mv -f -- "$t" /etc/sudoers.d/app' + TAIL
    )
    assert cmd.uploads == ()


def test_an_existing_file_keeps_its_attributes_then_gets_the_declared_owner() -> None:
    cmd = write_file("/etc/app.conf", b"a\n", mode=None, user="app", group="web", existing=True)
    assert cmd.display() == (
        "t=$(mktemp -- /etc/.app.conf.specops-XXXXXXXX ) && { printf %s YQo= | base64 -d "
        '> "$t" && chmod --reference /etc/app.conf "$t" && chown --reference /etc/app.conf "$t" '
        '&& chown app:web "$t" && mv -f -- "$t" /etc/app.conf' + TAIL
    )


def test_a_relative_path_is_written_through_the_current_directory() -> None:
    cmd = write_file("app.conf", b"", mode=None, user=None, group="web", existing=False)
    assert cmd.display() == (
        "t=$(mktemp -- ./.app.conf.specops-XXXXXXXX ) && { printf %s '' | base64 -d "
        '> "$t" && chmod 0644 "$t" && chown :web "$t" && mv -f -- "$t" app.conf' + TAIL
    )


def test_a_new_file_of_a_sensitive_op_is_private() -> None:
    token = SENSITIVE.set(True)
    try:
        cmd = write_file("/etc/key", b"k", mode=None, user="app", group=None, existing=False)
    finally:
        SENSITIVE.reset(token)
    assert cmd.display() == (
        "t=$(mktemp -- /etc/.key.specops-XXXXXXXX ) && { printf %s aw== | base64 -d "
        '> "$t" && chmod 0600 "$t" && chown app "$t" && mv -f -- "$t" /etc/key' + TAIL
    )


def test_content_of_exactly_the_limit_travels_inside_the_script() -> None:
    data = b"a" * INLINE_LIMIT
    cmd = write_file("/srv/x", data, mode=None, user=None, group=None, existing=False)
    assert cmd == Command(
        (
            raw("t=$(mktemp --"),
            "/srv/.x.specops-XXXXXXXX",
            raw(") && {"),
            raw("printf %s"),
            base64.b64encode(data).decode(),
            raw("| base64 -d >"),
            raw('"$t"'),
            raw("&& chmod"),
            "0644",
            raw('"$t"'),
            raw("&& mv -f --"),
            raw('"$t"'),
            "/srv/x",
            raw(TAIL[1:]),
        ),
        (),
    )


def test_content_past_the_limit_is_uploaded_first_and_copied_in() -> None:
    data = b"a" * (INLINE_LIMIT + 1)
    name = sha(data)
    cmd = write_file("/srv/x", data, mode="0600", user=None, group=None, existing=True)
    assert cmd.uploads == ((name, data),)
    assert cmd.render("/run/stage") == (
        f"t=$(mktemp -- /srv/.x.specops-XXXXXXXX ) && {{ cat -- /run/stage/{name} > "
        '"$t" && chmod --reference /srv/x "$t" && chown --reference /srv/x "$t" '
        '&& chmod 0600 "$t" && mv -f -- "$t" /srv/x' + TAIL
    )
    assert cmd.display().startswith(
        f't=$(mktemp -- /srv/.x.specops-XXXXXXXX ) && {{ cat -- <upload {name[:12]}> > "$t"'
    )


def test_the_limit_is_256_kib() -> None:
    assert INLINE_LIMIT == 262144


# -- write_if_unchanged ---------------------------------------------------------------------


def test_an_edit_writes_only_over_the_content_the_plan_saw() -> None:
    cmd = write_if_unchanged(
        "/etc/f", b"a\n", b"b\n", mode="0600", user="app", group=None, validate="check %s"
    )
    assert cmd.display() == (
        "if [ -e /etc/f ]; then c=$(sha256sum < /etc/f | cut -c1-64); else c=absent; fi; "
        f'if [ "$c" = {B} ]; then :; elif [ "$c" = {A} ]; then '
        "t=$(mktemp -- /etc/.f.specops-XXXXXXXX ) && { printf %s Ygo= | base64 -d "
        '> "$t" && chmod --reference /etc/f "$t" && chown --reference /etc/f "$t" '
        '&& chmod 0600 "$t" && chown app "$t" && sh -c \'check "$1"\' specops-validate "$t" '
        '&& mv -f -- "$t" /etc/f' + TAIL + " ; else echo "
        "'/etc/f changed on the host since it was planned; plan again' >&2; exit 1; fi"
    )


def test_an_edit_of_a_missing_file_expects_it_still_absent() -> None:
    cmd = write_if_unchanged("/etc/f", None, b"b\n", group="web")
    assert cmd.display() == (
        "if [ -e /etc/f ]; then c=$(sha256sum < /etc/f | cut -c1-64); else c=absent; fi; "
        f'if [ "$c" = {B} ]; then :; elif [ "$c" = absent ]; then '
        "t=$(mktemp -- /etc/.f.specops-XXXXXXXX ) && { printf %s Ygo= | base64 -d "
        '> "$t" && chmod 0644 "$t" && chown :web "$t" && mv -f -- "$t" /etc/f'
        + TAIL
        + " ; else echo "
        "'/etc/f changed on the host since it was planned; plan again' >&2; exit 1; fi"
    )


def test_an_edit_of_large_content_keeps_its_upload() -> None:
    data = b"b" * (INLINE_LIMIT + 1)
    cmd = write_if_unchanged("/etc/f", b"a", data)
    assert cmd.uploads == ((sha(data), data),)


def test_sha256_is_the_hex_digest() -> None:
    assert sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
