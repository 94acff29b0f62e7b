"""The project's test bed: disposable Debian hosts and containers for real-host tests.

- ``image``: the Debian bookworm images (mmdebstrap, cached once per machine
  under ``/var/tmp/specops-testbed``, never in the repository);
- ``host``: a host from an image, in its own namespaces, with its own sshd on a
  127.x address (``tiny`` init, or systemd as pid 1);
- ``podman``: rootful podman containers from the same image.

``python -m tests.testbed`` makes and removes hosts by hand; docs/testing.md
describes it all.
"""

from .host import Host, start, stop
from .image import Init, TestbedError

__all__ = ["Host", "Init", "TestbedError", "start", "stop"]
