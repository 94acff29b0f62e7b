"""The docker connector: ``docker exec -i NAME sh -c …`` and ``docker cp``.

The container must be running and have ``sh``. A command that times out is
ended on this side (the ``docker`` client is killed); as with any ``docker
exec``, a process inside the container may outlive it.
"""

from __future__ import annotations

from .container import ContainerConnector


class DockerConnector(ContainerConnector):
    """Runs commands in the running container ``target.address``."""

    program = "docker"
    hint = "is the container running (docker ps) and the docker daemon reachable?"

    def argv(self, command: str) -> list[str]:
        return ["docker", "exec", "-i", self.name, "sh", "-c", command]

    def remote(self, path: str) -> str:
        return f"{self.name}:{path}"

    def cp_argv(self, src: str, dst: str) -> list[str]:
        # -L: follow a symlink at the source, so get() returns the file it points to.
        return ["docker", "cp", "-L", src, dst]
