"""Container engines: ``docker`` and ``podman``, one connector, two CLIs.

Commands run as ``ENGINE exec -i NAME sh -c …``; files move with ``ENGINE cp``
(see ``container``). The container must be running and have ``sh``. A command
that times out is ended on this side (the client is killed); as with any
``exec``, a process inside the container may outlive it.

**Image builds.** A target ``image:IMAGE`` (``@podman/image:debian:12``,
``podman = "image:debian:12"``) starts a new container from ``IMAGE`` on
``open()``, with an entrypoint that only waits; ``commit()`` saves it as a new
image (tagged with the ``tag`` option when given) with the base image's own
entrypoint and command restored; ``close()`` removes the container whatever
happened. This is pyinfra's ``@docker/IMAGE``, with the image's configuration
kept.
"""

from __future__ import annotations

import json
import secrets

from specops.compiler.connections import IMAGE_PREFIX
from specops.compiler.ir import Connection

from .base import ConnectError, TransferError, run_process, text
from .container import ContainerConnector

# Waits without needing anything but sh and sleep (busybox images too).
_IDLE = ["--entrypoint", "sh"], ["-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"]


class EngineConnector(ContainerConnector):
    """Runs commands in the container ``target.address`` (or one made from an image)."""

    def __init__(self, target: Connection) -> None:
        super().__init__(target)
        where = str(target.address or "")
        self.image = where[len(IMAGE_PREFIX) :] if where.startswith(IMAGE_PREFIX) else None
        self.container: str | None = None  # the build container, while it exists
        self.built: str | None = None  # the committed image's id

    def argv(self, command: str) -> list[str]:
        return [self.program, "exec", "-i", self.name, "sh", "-c", command]

    def remote(self, path: str) -> str:
        return f"{self.name}:{path}"

    def cp_argv(self, src: str, dst: str) -> list[str]:
        return [self.program, "cp", src, dst]

    def _engine(self, *args: str, timeout: float | None = 600) -> str:
        """Run ``ENGINE ARGS``; its stdout, or ``ConnectError`` with its last message."""
        self.round_trips += 1
        code, out, err = run_process([self.program, *args], self.program, b"", timeout)
        if code != 0:
            lines = text(err).strip().splitlines()
            raise ConnectError(
                f"{self.target.target}: {lines[-1] if lines else f'exit code {code}'}", self.hint
            )
        return text(out).strip()

    def open(self) -> None:
        if self.image is None:
            super().open()
            return
        if self.container is not None:  # opened already (the pool shares connectors)
            return
        self.container = f"specops-build-{secrets.token_hex(6)}"
        entrypoint, command = _IDLE
        self._engine("run", "-d", "--name", self.container, *entrypoint, self.image, *command)
        self.name = self.container
        super().open()

    def commit(self) -> str:
        """Save the build container as a new image; returns its id (image builds only)."""
        if self.image is None or self.container is None:
            raise TransferError(f"{self.target.target} is not an image build")
        config = self._engine(
            "image",
            "inspect",
            "--format",
            "{{json .Config.Entrypoint}}|{{json .Config.Cmd}}",
            self.image,
        )
        entrypoint, _, command = config.partition("|")
        changes = []
        for key, value in (("ENTRYPOINT", entrypoint), ("CMD", command)):
            try:
                restored = json.loads(value) or []
            except ValueError:
                restored = []
            changes += ["--change", f"{key} {json.dumps(restored)}"]
        tag = self.target.options.get("tag")
        out = self._engine("commit", "-q", *changes, self.container, *([tag] if tag else []))
        self.built = out.splitlines()[-1] if out else ""
        return self.built

    def close(self) -> None:
        super().close()
        if self.container is not None:
            container, self.container = self.container, None
            # Removed whatever happened; a failure to remove must not hide the results.
            run_process(self.remove_argv(container), self.program, b"", 60)

    def remove_argv(self, container: str) -> list[str]:
        return [self.program, "rm", "-f", container]


class DockerConnector(EngineConnector):
    program = "docker"
    hint = "is the container running (docker ps) and the docker daemon reachable?"


class PodmanConnector(EngineConnector):
    program = "podman"
    hint = "is the container running (podman ps)? as root, podman ps lists root's containers"

    def remove_argv(self, container: str) -> list[str]:
        # -t 0: no grace period; the idle entrypoint would be killed after 10 s anyway
        return [self.program, "rm", "-f", "-t", "0", container]
