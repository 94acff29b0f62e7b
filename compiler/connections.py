"""The connection kinds, declared once: what reaches a host, and how it is written.

Every place that spells a kind derives from ``KINDS``: the inventory keys
(``docker = "web"``), the target forms of the command line (``@docker/web``),
their hints, and the JSON Schema of spec files. The runtime has the matching
table of connectors (``runtime/connectors/__init__.py``); a test checks that both
name the same kinds.

A container engine kind (docker, podman) also builds images: ``image:IMAGE``
instead of a container name starts a container from ``IMAGE``, runs the deploy in
it and commits the result as a new image (the container is removed whatever
happens).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ConnectorKind = Literal["local", "ssh", "docker", "podman", "chroot", "kubectl"]

IMAGE_PREFIX = "image:"

# Names the engines accept, so that no name can be read as an option ("--help").
_CONTAINER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_IMAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:@+-]*")
_POD = re.compile(r"(?:[a-z0-9][a-z0-9.-]*/)?[a-z0-9][a-z0-9.-]*")


@dataclass(frozen=True)
class Kind:
    name: ConnectorKind
    placeholder: str  # what follows "@kind/" on the command line ("" for local and ssh)
    example: str  # the inventory key as a user writes it
    description: str  # for the schema and the reference
    noun: str = ""  # what the part after "@kind/" names
    images: bool = False  # "image:IMAGE" builds an image (container engines)

    @property
    def form(self) -> str:
        """How the kind is written as a command-line target."""
        if self.name == "local":
            return "@local"
        if self.name == "ssh":
            return "user@host:port"
        return f"@{self.name}/{self.placeholder}"

    def check(self, where: str) -> str | None:
        """Why ``where`` cannot name a host of this kind, or None when it can."""
        if self.name == "chroot":
            return None if where.startswith("/") else "is not an absolute directory"
        if self.images and where.startswith(IMAGE_PREFIX):
            ok = _IMAGE.fullmatch(where[len(IMAGE_PREFIX) :])
            return None if ok else "is not an image name"
        pattern = _POD if self.name == "kubectl" else _CONTAINER
        if pattern.fullmatch(where):
            return None
        return f"is not a {self.noun} name"


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("ssh", "", 'ssh = "user@address:port"', 'Where to connect: "user@address:port".'),
        Kind("local", "", "local = true", "Run on this machine."),
        Kind(
            "docker",
            "NAME",
            'docker = "container"',
            'Run inside this running container; "image:IMAGE" builds a new image from IMAGE.',
            "container",
            images=True,
        ),
        Kind(
            "podman",
            "NAME",
            'podman = "container"',
            'Run inside this running container; "image:IMAGE" builds a new image from IMAGE.',
            "container",
            images=True,
        ),
        Kind("chroot", "DIR", 'chroot = "/path"', "Run inside this directory's chroot.", "dir"),
        Kind("kubectl", "[NAMESPACE/]POD", 'kubectl = "pod"', "Run inside this pod.", "pod"),
    )
}
ADDRESSED = tuple(k for k in KINDS.values() if k.placeholder)  # written "@kind/WHERE"
FORMS = ", ".join(f'"{k.form}"' for k in KINDS.values())
KEYS_HINT = ", ".join(k.example for k in KINDS.values())
