"""The kubectl connector: ``kubectl exec -i POD -- sh -c …`` and ``kubectl cp``.

The target is ``POD`` (the context's default namespace) or ``NAMESPACE/POD``;
the pod's default container is used. ``put`` uses ``kubectl cp`` (which needs
``tar`` in the container). Commands that time out are ended on this side only,
as with ``docker exec``.
"""

from __future__ import annotations

from specops.compiler.ir import Connection

from .container import ContainerConnector


class KubectlConnector(ContainerConnector):
    """Runs commands in the pod ``target.address`` (``pod`` or ``namespace/pod``)."""

    program = "kubectl"
    hint = "is the pod running (kubectl get pods) and the cluster reachable (kubectl config)?"

    def __init__(self, target: Connection) -> None:
        super().__init__(target)
        namespace, _, pod = self.name.rpartition("/")
        self.pod = pod
        self.namespace_args = ["-n", namespace] if namespace else []

    def argv(self, command: str) -> list[str]:
        return ["kubectl", "exec", "-i", *self.namespace_args, self.pod, "--", "sh", "-c", command]

    def remote(self, path: str) -> str:
        return f"{self.pod}:{path}"

    def cp_argv(self, src: str, dst: str) -> list[str]:
        return ["kubectl", "cp", *self.namespace_args, src, dst]
