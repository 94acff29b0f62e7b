"""The file fact parsers (runtime/facts/files.py) on hand-written output: names and link
targets that are not UTF-8 or hold blanks and tabs, output cut short, and errors."""

from __future__ import annotations

import base64

import pytest

from specops.runtime.facts.files import Content, FileContent, FileInfo, FileStat, Tree, TreeEntry

HI = "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4"  # sha256 of b"hi"
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # of b""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# -- FileInfo -------------------------------------------------------------------------


def test_a_link_target_that_is_not_utf8_keeps_its_bytes() -> None:
    out = "link\n" + b64(b"/srv/caf\xe9") + "\n777 root root 9\n"
    got = FileInfo.parse(out)
    assert got == FileStat("link", "0777", "root", "root", 9, "/srv/caf\udce9")
    assert got is not None and got.target is not None
    assert got.target.encode("utf-8", "surrogateescape") == b"/srv/caf\xe9"


def test_an_unknown_file_type_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError) as e:
        FileInfo.parse("socket\n")
    assert str(e.value) == "unknown file type 'socket'"


# -- FileContent ----------------------------------------------------------------------


def test_content_without_a_final_newline_is_read_whole() -> None:
    assert FileContent.parse(f"{HI}\ndata:aGk=") == Content(HI, b"hi")


def test_a_digest_alone_is_a_file_whose_content_was_not_read() -> None:
    assert FileContent.parse(HI) == Content(HI, None)
    assert FileContent.parse(f"{HI}\n") == Content(HI, None)


def test_an_empty_file_has_empty_data() -> None:
    assert FileContent.parse(f"{EMPTY}\ndata:\n") == Content(EMPTY, b"")


def test_output_without_a_digest_is_an_error_quoting_it() -> None:
    with pytest.raises(ValueError) as e:
        FileContent.parse("")
    assert str(e.value) == "bad sha256 ''"
    with pytest.raises(ValueError) as e:
        FileContent.parse("sha256sum: /x: Permission denied\n")
    assert str(e.value) == "bad sha256 'sha256sum: /x: Permission denied'"


# -- Tree -----------------------------------------------------------------------------


def tree_output(listing: bytes, sums: bytes, end: str = "\n") -> str:
    return b64(listing) + "\n" + b64(sums) + end


def test_names_with_two_blanks_or_bytes_that_are_not_utf8_get_their_digest() -> None:
    listing = (
        b"f\t644\troot\troot\t2\ta  b\t\0"
        b"f\t600\twww\twww\t2\tcaf\xe9\t\0"
        b"d\t755\troot\troot\t4096\tsub\t\0"
        b"f\t640\troot\tadm\t0\tsub/c  d  e\t\0"
    )
    sums = b"".join(
        [
            HI.encode() + b"  ./a  b\0",
            HI.encode() + b"  ./caf\xe9\0",
            EMPTY.encode() + b"  ./sub/c  d  e\0",
        ]
    )
    assert Tree.parse(tree_output(listing, sums)) == {
        "a  b": TreeEntry("file", "0644", "root", "root", 2, HI),
        "caf\udce9": TreeEntry("file", "0600", "www", "www", 2, HI),
        "sub": TreeEntry("directory", "0755", "root", "root", 4096),
        "sub/c  d  e": TreeEntry("file", "0640", "root", "adm", 0, EMPTY),
    }


def test_names_of_files_and_directories_may_hold_tabs() -> None:
    """Only a link has a target (%l): the tabs of other names are not separators."""
    listing = (
        b"f\t644\troot\troot\t2\ta\tb\t\0d\t755\troot\troot\t4096\tt\t\t\0p\t600\tr\tr\t0\t\tq\t\0"
    )
    sums = HI.encode() + b"  ./a\tb\0"
    assert Tree.parse(tree_output(listing, sums)) == {
        "a\tb": TreeEntry("file", "0644", "root", "root", 2, HI),
        "t\t": TreeEntry("directory", "0755", "root", "root", 4096),
        "\tq": TreeEntry("other", "0600", "r", "r", 0),
    }


def test_a_link_target_may_hold_tabs() -> None:
    listing = b"l\t777\troot\troot\t3\tlnk\tx\ty\tz\0"
    assert Tree.parse(tree_output(listing, b"")) == {
        "lnk": TreeEntry("link", "0777", "root", "root", 3, None, "x\ty\tz"),
    }


def test_a_digest_only_belongs_to_a_path_listed_as_a_file() -> None:
    """The two finds run one after the other: a file replaced by a directory or a link
    between them has a digest that is not its own."""
    listing = b"d\t755\troot\troot\t4096\tx\t\0l\t777\troot\troot\t1\ty\tz\0"
    sums = HI.encode() + b"  ./x\0" + HI.encode() + b"  ./y\0"
    assert Tree.parse(tree_output(listing, sums)) == {
        "x": TreeEntry("directory", "0755", "root", "root", 4096),
        "y": TreeEntry("link", "0777", "root", "root", 1, None, "z"),
    }


def test_output_cut_before_the_digests_lists_files_without_them() -> None:
    listing = b"f\t644\troot\troot\t2\ta\t\0"
    want = {"a": TreeEntry("file", "0644", "root", "root", 2)}
    assert Tree.parse(b64(listing)) == want


def test_digests_without_a_final_newline_are_read() -> None:
    listing = b"f\t644\troot\troot\t2\ta\t\0"
    sums = HI.encode() + b"  ./a\0"
    want = {"a": TreeEntry("file", "0644", "root", "root", 2, HI)}
    assert Tree.parse(tree_output(listing, sums, end="")) == want
