"""Host facts (``host.OsRelease``, ``host.Uname``) and the facts a spec's expressions
read (``facts.os``, ``facts.arch``, ``facts.file(path)`` …): ``SPEC_FACTS`` says which
fact answers each and how its value is shown to a spec; ``fact_source`` reads them.
"""

from __future__ import annotations

from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact, NoParams


class OsRelease(Fact[dict[str, str]]):
    """/etc/os-release as a map with lower-case keys (id, version_id, name, …)."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release"))

    @classmethod
    def parse(cls, output: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for line in output.splitlines():
            key, sep, value = line.strip().partition("=")
            if not sep or key.startswith("#"):
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
            out[key.lower()] = value
        return out


class Uname(Fact[dict[str, str]]):
    """Hostname, machine architecture and kernel release (uname -n -m -r)."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh("uname", "-n", "-m", "-r")

    @classmethod
    def parse(cls, output: str) -> dict[str, str]:
        hostname, kernel, arch = output.split()
        return {"hostname": hostname, "kernel": kernel, "arch": arch}
