"""Package-manager commands the families share: apt's own ops and ``server.packages``
both install through them."""

from __future__ import annotations

from specops.runtime.core.command import raw, sh

APT_GET = sh(
    raw("DEBIAN_FRONTEND=noninteractive apt-get -y -q"),
    raw("-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"),
)
