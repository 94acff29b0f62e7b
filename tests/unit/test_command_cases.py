"""Shell commands built from parts (runtime/core/command.py), expected values by hand:
what the shell runs, what people see, uploads carried along, commands joined."""

from __future__ import annotations

import pytest

from specops.runtime.core.command import Command, Staged, join, raw, secret, sh

# -- rendered for the shell ------------------------------------------------------------


def test_every_kind_of_part_is_rendered_for_the_shell() -> None:
    cmd = sh("cp", raw("&&"), "a b", secret("pa's"), Staged("abc"))
    assert cmd.render("/tmp/st 1") == "cp && 'a b' 'pa'\"'\"'s' '/tmp/st 1/abc'"


def test_a_staged_part_without_a_staging_directory_is_refused() -> None:
    with pytest.raises(ValueError) as e:
        sh("cat", Staged("abc")).render()
    assert str(e.value) == "a command with uploads rendered without a staging directory"


def test_a_command_without_staged_parts_needs_no_staging_directory() -> None:
    assert sh("echo", "x y").render() == "echo 'x y'"


# -- shown to people --------------------------------------------------------------------


def test_display_masks_secrets_and_names_uploads_by_their_first_twelve_characters() -> None:
    cmd = sh("cp", Staged("0123456789abcdef"), raw(">"), "a b", secret("hunter2"))
    assert cmd.display() == "cp <upload 0123456789ab> > 'a b' ***"
    assert str(cmd) == "cp <upload 0123456789ab> > 'a b' ***"


def test_a_short_upload_name_is_shown_whole() -> None:
    assert sh(Staged("ab")).display() == "<upload ab>"


# -- put together -----------------------------------------------------------------------


def test_adding_commands_keeps_the_parts_and_the_uploads_of_both() -> None:
    a = Command(("cp", Staged("x")), uploads=(("x", b"X"),))
    b = Command((raw("&&"), Staged("y")), uploads=(("y", b"Y"),))
    both = a + b
    assert both == Command(
        ("cp", Staged("x"), raw("&&"), Staged("y")), uploads=(("x", b"X"), ("y", b"Y"))
    )
    assert both.uploads == (("x", b"X"), ("y", b"Y"))


def test_join_puts_the_separator_between_commands_only() -> None:
    cmd = join([sh("true"), sh("echo", "a b"), sh("false")])
    assert cmd == Command(("true", raw("&&"), "echo", "a b", raw("&&"), "false"))
    assert cmd.render() == "true && echo 'a b' && false"


def test_join_with_another_separator() -> None:
    assert join([sh("a"), sh("b")], ";").render() == "a ; b"


def test_join_of_one_command_or_none() -> None:
    assert join([sh("a", "b")]) == sh("a", "b")
    assert join([]) == Command(())
