"""Files fetched from hosts, written on the controller (``files.get``'s second half).

The executor copies a fetched file down after the host's script ran and writes it
here: atomically, so an interrupted fetch never leaves half a file at ``dest``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def save_locally(dest: str, data: bytes) -> None:
    """Write ``data`` to ``dest`` on the controller atomically (temp file + rename)."""
    target = Path(dest)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.specops-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
