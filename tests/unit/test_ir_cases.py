"""The IR's plain data: how a connection is written, the canonical JSON form, and the
round trip through a saved document. Expected values are written by hand."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

import pytest

from specops.compiler.ir import (
    IR_VERSION,
    LOCAL,
    Connection,
    HostProgram,
    OpNode,
    Program,
    from_doc,
    to_doc,
    to_json,
)
from specops.compiler.source import Span

# -- connections --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conn", "target"),
    [
        (LOCAL, "@local"),
        (Connection("local", "root", "x", 22), "@local"),
        (Connection("ssh", "root", "10.0.0.1", 2222), "root@10.0.0.1:2222"),
        (Connection("ssh", None, "web.example", None), "web.example"),
        (Connection("ssh", "deploy", "web", None), "deploy@web"),
        (Connection("ssh", None, "web", 22), "web:22"),
        (Connection("docker", address="app"), "@docker/app"),
        (Connection("podman", address="image:debian:12"), "@podman/image:debian:12"),
        (Connection("chroot", address="/srv/root"), "@chroot/srv/root"),
        (Connection("kubectl", address="ns/pod"), "@kubectl/ns/pod"),
        (Connection("docker"), "@docker/"),
    ],
)
def test_a_connection_reads_as_the_target_a_user_would_type(conn: Connection, target: str) -> None:
    assert conn.target == target


def test_a_connection_to_json_leaves_out_what_is_unset() -> None:
    assert LOCAL.to_json() == {"kind": "local"}
    assert Connection("docker", address="app").to_json() == {"kind": "docker", "address": "app"}


def test_a_connection_to_json_has_every_part_and_sorted_options() -> None:
    conn = Connection("ssh", "root", "10.0.0.1", 2222, {"known_hosts": "/k", "key": "/id"})
    doc = conn.to_json()
    assert doc == {
        "kind": "ssh",
        "user": "root",
        "address": "10.0.0.1",
        "port": 2222,
        "options": {"key": "/id", "known_hosts": "/k"},
    }
    assert list(doc) == ["kind", "user", "address", "port", "options"]
    assert list(doc["options"]) == ["key", "known_hosts"]


def test_a_port_of_zero_is_still_written_in_json() -> None:
    """to_json keeps any value that is set; only None is left out."""
    assert Connection("ssh", "", "h", 0).to_json() == {
        "kind": "ssh",
        "user": "",
        "address": "h",
        "port": 0,
    }


# -- op nodes -----------------------------------------------------------------------------

SPAN = Span("site.toml", 3, 5, 3, 9)


def test_an_op_node_to_json_has_every_canonical_field() -> None:
    node = OpNode(
        "app",
        "files.directory",
        {"path": "/srv/app", "mode": "0755"},
        requires=("base",),
        notify=("restart",),
        handler=False,
        become="app",
        tags=("web",),
    )
    assert node.to_json() == {
        "id": "app",
        "kind": "files.directory",
        "args": {"path": "/srv/app", "mode": "0755"},
        "requires": ["base"],
        "notify": ["restart"],
        "handler": False,
        "become": "app",
        "tags": ["web"],
        "sensitive": [],
    }


def test_an_op_node_to_json_adds_desc_parts_and_origins_when_present() -> None:
    node = OpNode(
        "pkgs",
        "packages.apt",
        {"packages": ["curl", "git"]},
        handler=True,
        become=True,
        desc="tools",
        parts=("curl", "git"),
        origin=(SPAN, Span("site.toml", 7, 1, 7, 2)),
    )
    assert node.to_json(origins=True) == {
        "id": "pkgs",
        "kind": "packages.apt",
        "args": {"packages": ["curl", "git"]},
        "requires": [],
        "notify": [],
        "handler": True,
        "become": True,
        "tags": [],
        "sensitive": [],
        "desc": "tools",
        "parts": ["curl", "git"],
        "origin": ["site.toml:3:5", "site.toml:7:1"],
    }
    assert "origin" not in node.to_json()


def test_an_op_node_to_json_redacts_its_sensitive_args() -> None:
    node = OpNode(
        "db",
        "files.file",
        {"path": "/etc/db", "content": "hunter2", "env": {"TOKEN": "t0k", "USER": "u"}},
        sensitive=("content", "env.TOKEN"),
    )
    doc = node.to_json()
    assert doc["args"] == {
        "path": "/etc/db",
        "content": "(sensitive)",
        "env": {"TOKEN": "(sensitive)", "USER": "u"},
    }
    assert doc["sensitive"] == ["content", "env.TOKEN"]
    assert node.args["content"] == "hunter2"  # the node itself keeps the value


def test_an_op_node_to_json_copies_args_without_sensitive_ones() -> None:
    args = {"path": "/x"}
    doc = OpNode("x", "files.directory", args).to_json()
    doc["args"]["path"] = "/changed"
    assert args == {"path": "/x"}


def test_without_sensitive_args_the_values_are_kept_as_they_are() -> None:
    """Only redaction goes through JSON; other args keep their Python values."""
    args = {"pair": ("a", "b"), "path": PurePosixPath("/x")}
    assert OpNode("x", "k", args).to_json()["args"] == {
        "pair": ("a", "b"),
        "path": PurePosixPath("/x"),
    }


# -- programs -----------------------------------------------------------------------------


def _program() -> Program:
    web = HostProgram(
        "web",
        Connection("ssh", "root", "10.0.0.1", 22, {"key": "/id"}),
        (
            OpNode("dir", "files.directory", {"path": "/srv/é"}, origin=(SPAN,)),
            OpNode(
                "secret",
                "files.file",
                {"path": "/s", "content": "pw"},
                requires=("dir",),
                sensitive=("content",),
                desc="the secret",
                parts=("a", "b"),
            ),
        ),
    )
    return Program((web, HostProgram("@local", LOCAL, ())))


def test_program_host_finds_a_host_by_name_or_raises_key_error() -> None:
    p = _program()
    assert p.host("@local").connection == LOCAL
    assert p.host("web").name == "web"
    with pytest.raises(KeyError) as e:
        p.host("db")
    assert e.value.args == ("db",)


def test_to_json_is_sorted_indented_unicode_and_ends_in_a_newline() -> None:
    p = Program((HostProgram("h", LOCAL, (OpNode("d", "files.directory", {"path": "/é"}),)),))
    assert to_json(p) == (
        "{\n"
        '  "hosts": [\n'
        "    {\n"
        '      "connection": {\n'
        '        "kind": "local"\n'
        "      },\n"
        '      "name": "h",\n'
        '      "ops": [\n'
        "        {\n"
        '          "args": {\n'
        '            "path": "/é"\n'
        "          },\n"
        '          "become": false,\n'
        '          "handler": false,\n'
        '          "id": "d",\n'
        '          "kind": "files.directory",\n'
        '          "notify": [],\n'
        '          "requires": [],\n'
        '          "sensitive": [],\n'
        '          "tags": []\n'
        "        }\n"
        "      ]\n"
        "    }\n"
        "  ],\n"
        '  "version": 1\n'
        "}\n"
    )


def test_to_json_shows_origins_only_when_asked() -> None:
    p = Program((HostProgram("h", LOCAL, (OpNode("d", "x.y", {}, origin=(SPAN,)),)),))
    assert '"origin"' not in to_json(p)
    assert '"origin": [\n            "site.toml:3:5"\n          ]' in to_json(p, origins=True)


def test_to_doc_redacts_by_default_and_keeps_values_when_told() -> None:
    p = _program()
    assert IR_VERSION == 1
    redacted = to_doc(p)
    assert redacted["version"] == 1
    assert redacted["hosts"][0]["ops"][1]["args"] == {"path": "/s", "content": "(sensitive)"}
    assert "origin" not in redacted["hosts"][0]["ops"][0]
    plain = to_doc(p, origins=True, redact=False)
    assert plain["hosts"][0]["ops"][1]["args"] == {"path": "/s", "content": "pw"}
    assert plain["hosts"][0]["ops"][0]["origin"] == ["site.toml:3:5"]
    assert [h["name"] for h in plain["hosts"]] == ["web", "@local"]
    assert plain["hosts"][0]["connection"] == {
        "kind": "ssh",
        "user": "root",
        "address": "10.0.0.1",
        "port": 22,
        "options": {"key": "/id"},
    }
    assert plain["hosts"][1] == {"name": "@local", "connection": {"kind": "local"}, "ops": []}


def test_from_doc_reads_back_what_to_doc_wrote() -> None:
    p = _program()
    back = from_doc(to_doc(p, origins=True, redact=False))
    # an origin is saved as file:line:col and read back as a point there
    point = (Span("site.toml", 3, 5, 3, 6),)
    web = p.hosts[0]
    same = HostProgram(web.name, web.connection, (replace(web.ops[0], origin=point), web.ops[1]))
    assert back == Program((same, p.hosts[1]))
    assert back.host("web").ops[1].desc == "the secret"
    assert back.host("web").ops[1].parts == ("a", "b")


def test_from_doc_reads_a_file_name_holding_colons() -> None:
    node = OpNode("d", "x.y", {}, origin=(Span("C:/w/a:b.toml", 12, 40, 12, 41),))
    doc = to_doc(Program((HostProgram("h", LOCAL, (node,)),)), origins=True)
    (back,) = from_doc(doc).host("h").ops
    assert back.origin == (Span("C:/w/a:b.toml", 12, 40, 12, 41),)


def test_from_doc_fills_what_a_minimal_document_leaves_out() -> None:
    doc = {
        "version": 1,
        "hosts": [
            {
                "name": "h",
                "connection": {"kind": "docker", "address": "app"},
                "ops": [
                    {
                        "id": "d",
                        "kind": "x.y",
                        "args": {"a": 1},
                        "requires": ["c"],
                        "notify": ["n"],
                        "handler": True,
                        "become": "u",
                        "tags": ["t"],
                        "sensitive": ["a"],
                    }
                ],
            }
        ],
    }
    p = from_doc(doc)
    assert p == Program(
        (
            HostProgram(
                "h",
                Connection("docker", None, "app", None, {}),
                (
                    OpNode(
                        "d",
                        "x.y",
                        {"a": 1},
                        requires=("c",),
                        notify=("n",),
                        handler=True,
                        become="u",
                        tags=("t",),
                        sensitive=("a",),
                    ),
                ),
            ),
        )
    )
    (op,) = p.host("h").ops
    assert (op.desc, op.origin, op.parts) == (None, (), ())


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"version": 2, "hosts": []}, "IR version 2, expected 1"),
        ({"hosts": []}, "IR version None, expected 1"),
        ({"version": "1", "hosts": []}, "IR version '1', expected 1"),
    ],
)
def test_from_doc_refuses_another_version(doc: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as e:
        from_doc(doc)
    assert str(e.value) == message
