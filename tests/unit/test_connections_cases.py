"""The connection kinds: how each is written and which names each accepts."""

from __future__ import annotations

import pytest

from specops.compiler.connections import (
    ADDRESSED,
    FORMS,
    IMAGE_PREFIX,
    KEYS_HINT,
    KINDS,
    Kind,
)


def test_the_kinds_as_a_user_reads_them() -> None:
    assert [
        (k.name, k.placeholder, k.example, k.description, k.noun, k.images, k.form)
        for k in KINDS.values()
    ] == [
        ("ssh", "", 'ssh = "user@address:port"', 'Where to connect: "user@address:port".',
         "", False, "user@host:port"),
        ("local", "", "local = true", "Run on this machine.", "", False, "@local"),
        ("docker", "NAME", 'docker = "container"',
         'Run inside this running container; "image:IMAGE" builds a new image from IMAGE.',
         "container", True, "@docker/NAME"),
        ("podman", "NAME", 'podman = "container"',
         'Run inside this running container; "image:IMAGE" builds a new image from IMAGE.',
         "container", True, "@podman/NAME"),
        ("chroot", "DIR", 'chroot = "/path"', "Run inside this directory's chroot.", "dir",
         False, "@chroot/DIR"),
        ("kubectl", "[NAMESPACE/]POD", 'kubectl = "pod"', "Run inside this pod.", "pod", False,
         "@kubectl/[NAMESPACE/]POD"),
    ]  # fmt: skip
    assert list(KINDS) == ["ssh", "local", "docker", "podman", "chroot", "kubectl"]


def test_the_derived_hints() -> None:
    assert [k.name for k in ADDRESSED] == ["docker", "podman", "chroot", "kubectl"]
    assert FORMS == (
        '"user@host:port", "@local", "@docker/NAME", "@podman/NAME", "@chroot/DIR", '
        '"@kubectl/[NAMESPACE/]POD"'
    )
    assert KEYS_HINT == (
        'ssh = "user@address:port", local = true, docker = "container", '
        'podman = "container", chroot = "/path", kubectl = "pod"'
    )
    assert IMAGE_PREFIX == "image:"


def test_a_kind_defaults_to_no_noun_and_no_images() -> None:
    k = Kind("docker", "NAME", "e", "d")
    assert (k.noun, k.images) == ("", False)
    # without images, "image:..." is read as a container name, which has no colon
    assert k.check("image:debian") == "is not a  name"


@pytest.mark.parametrize(
    ("kind", "where", "why"),
    [
        ("docker", "web", None),
        ("docker", "Web_1.a-b", None),
        ("docker", "9", None),
        ("docker", "-help", "is not a container name"),
        ("docker", "_x", "is not a container name"),
        ("docker", ".x", "is not a container name"),
        ("docker", "web app", "is not a container name"),
        ("docker", "web/app", "is not a container name"),
        ("docker", "", "is not a container name"),
        ("docker", "image:debian:12", None),
        ("docker", "image:registry.example/team/app@sha256:ab+c_d-e", None),
        ("docker", "image:", "is not an image name"),
        ("docker", "image:-x", "is not an image name"),
        ("docker", "image:a b", "is not an image name"),
        ("podman", "image:Debian", None),
        ("podman", "web", None),
        ("podman", "--rm", "is not a container name"),
        ("chroot", "/srv/root", None),
        ("chroot", "/", None),
        ("chroot", "srv/root", "is not an absolute directory"),
        ("chroot", "", "is not an absolute directory"),
        ("kubectl", "pod-1", None),
        ("kubectl", "ns/pod.1", None),
        ("kubectl", "0ns/9pod", None),
        ("kubectl", "Pod", "is not a pod name"),
        ("kubectl", "ns/Pod", "is not a pod name"),
        ("kubectl", "-ns/pod", "is not a pod name"),
        ("kubectl", "ns/-pod", "is not a pod name"),
        ("kubectl", "a/b/c", "is not a pod name"),
        ("kubectl", "ns/", "is not a pod name"),
        ("kubectl", "pod_1", "is not a pod name"),
        # a pod engine builds no image: "image:x" is a pod name, and a bad one
        ("kubectl", "image:x", "is not a pod name"),
    ],
)
def test_check(kind: str, where: str, why: str | None) -> None:
    assert KINDS[kind].check(where) == why
