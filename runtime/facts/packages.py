"""Facts about installed packages, for every package manager specops drives.

``Deb`` is recorded from Debian hosts; ``Rpm``, ``Apk`` and ``Pacman`` outputs in
``tests/facts`` are samples written in those tools' documented formats (no such
host runs here; see docs/operations.md). Every command exits 0 when its tool is
missing and then reads as "nothing installed".
"""

from __future__ import annotations

from dataclasses import dataclass

from specops.compiler.catalog import arg
from specops.runtime.core.command import Command, raw, sh
from specops.runtime.core.fact import Fact, NoParams


class Manager(Fact[str]):
    """The host's package manager: apt, dnf, yum, apk, pacman, or '' when none is known."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(
            raw("for m in apt-get dnf yum apk pacman; do"),
            raw('if command -v "$m" >/dev/null 2>&1; then echo "$m"; exit 0; fi; done; echo none'),
        )

    @classmethod
    def parse(cls, output: str) -> str:
        name = output.strip()
        return {"apt-get": "apt", "none": ""}.get(name, name)


class Deb(Fact[dict[str, str]]):
    """Installed Debian packages and their versions (``dpkg-query``), by name."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(
            raw("dpkg-query -W -f '${db:Status-Abbrev}\\t${Package}\\t${Version}\\n' 2>/dev/null"),
            raw("; true"),
        )

    @classmethod
    def parse(cls, output: str) -> dict[str, str]:
        out = {}
        for line in output.splitlines():
            parts = line.split("\t")  # splitlines has taken any CR
            # Status-Abbrev: want, status, error ("ii ", "hi ", "rc "); the second is the state.
            if len(parts) == 3 and parts[0][1:2] == "i":
                out[parts[1]] = parts[2]
        return out


@dataclass(frozen=True)
class Policy:
    installed: str | None
    candidate: str | None


@dataclass(frozen=True)
class AptPolicyParams:
    """The parameters of ``AptPolicy``."""

    packages: str = arg(doc="Package names, separated by spaces.")


class AptPolicy(Fact[dict[str, Policy]]):
    """Installed and candidate versions of some packages (``apt-cache policy``)."""

    Params = AptPolicyParams

    @classmethod
    def command(cls, p: AptPolicyParams) -> Command:
        names = p.packages.split()
        return sh(raw("apt-cache policy"), *names, raw("2>/dev/null; true"))

    @classmethod
    def parse(cls, output: str) -> dict[str, Policy]:
        out: dict[str, Policy] = {}
        name = None
        inst = cand = None
        for line in output.splitlines():
            if line.endswith(":") and not line[0].isspace():  # "name:" starts a package
                if name:
                    out[name] = Policy(inst, cand)
                name, inst, cand = line[:-1], None, None
            elif line.strip().startswith("Installed:"):
                v = line.split(":", 1)[1].strip()
                inst = None if v == "(none)" else v
            elif line.strip().startswith("Candidate:"):
                v = line.split(":", 1)[1].strip()
                cand = None if v == "(none)" else v
        if name:
            out[name] = Policy(inst, cand)
        return out


class AptCacheAge(Fact[int | None]):
    """Seconds since the apt package lists were last updated; None if they never were."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(
            raw("if ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then"),
            raw("echo $(( $(date +%s) - $(stat -c %Y /var/lib/apt/lists) )); else echo never; fi"),
        )

    @classmethod
    def parse(cls, output: str) -> int | None:
        text = output.strip()
        return None if text == "never" else max(0, int(text))


class AptHolds(Fact[list[str]]):
    """Packages held back from upgrades (``apt-mark showhold``)."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("apt-mark showhold 2>/dev/null; true"))

    @classmethod
    def parse(cls, output: str) -> list[str]:
        return sorted(line.strip() for line in output.splitlines() if line.strip())


class Rpm(Fact[dict[str, str]]):
    """Installed RPM packages (dnf, yum) and their version-release, by name."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("rpm -qa --qf '%{NAME}\\t%{VERSION}-%{RELEASE}\\n' 2>/dev/null; true"))

    @classmethod
    def parse(cls, output: str) -> dict[str, str]:
        out = {}
        for line in output.splitlines():
            parts = line.split("\t")
            if len(parts) == 2 and parts[0] != "gpg-pubkey":
                out[parts[0]] = parts[1]
        return out


class Apk(Fact[dict[str, str]]):
    """Installed Alpine packages (``apk info -v``: name-version-rN), by name."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("apk info -v 2>/dev/null; true"))

    @classmethod
    def parse(cls, output: str) -> dict[str, str]:
        out = {}
        for line in output.splitlines():
            parts = line.strip().rsplit("-", 2)
            if len(parts) == 3 and parts[2].startswith("r"):
                out[parts[0]] = f"{parts[1]}-{parts[2]}"
        return out


class Pacman(Fact[dict[str, str]]):
    """Installed Arch Linux packages (``pacman -Q``), by name."""

    @classmethod
    def command(cls, p: NoParams) -> Command:
        return sh(raw("pacman -Q 2>/dev/null; true"))

    @classmethod
    def parse(cls, output: str) -> dict[str, str]:
        out = {}
        for line in output.splitlines():
            parts = line.split()
            if len(parts) == 2:
                out[parts[0]] = parts[1]
        return out
