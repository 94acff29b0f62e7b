"""One disposable Debian host: its own root, namespaces and sshd on a 127.x address.

``start`` makes the host's directory (host key, known_hosts, an overlay over the
shared image or a copy of it), starts ``boot.sh`` as pid 1 of new namespaces and
returns once sshd answers with an SSH banner and a login works. ``stop`` kills
the host's pid namespace (the kernel then ends every process in it, and the
mounts go with its mount namespace), waits until nothing of it is left and
removes its files. A host is found again from its directory alone (``load``),
so a later session can clean up after one that died.

The host shares this machine's network namespace: sshd listens on
``ADDRESS:PORT``, and two hosts cannot both run a service on port 80. It is not
a security boundary; it keeps a well-behaved tool under test off the machine
(read-only ``/proc/sys`` and ``/sys``, dropped capabilities, systemd in a cgroup
namespace of its own).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .image import Init, TestbedError, ensure, missing_tools, untar

BOOT = Path(__file__).with_name("boot.sh")
PORT = 2222
BOOT_TIMEOUT = {"tiny": 30.0, "systemd": 90.0}


@dataclass(frozen=True)
class Host:
    name: str
    address: str
    port: int
    init: Init
    dir: Path
    key: Path  # the client key, allowed in as root and as tester

    @property
    def known_hosts(self) -> Path:
        return self.dir / "known_hosts"

    @property
    def ssh_target(self) -> str:
        return f"root@{self.address}:{self.port}"

    def inventory(self, host: str | None = None, vars: dict[str, Any] | None = None) -> str:
        """A specops ``[hosts.NAME]`` table reaching this host (TOML)."""
        out = (
            f"[hosts.{host or self.name}]\n"
            f"ssh = {json.dumps(self.ssh_target)}\n"
            f"key = {json.dumps(str(self.key))}\n"
            f"known_hosts = {json.dumps(str(self.known_hosts))}\n"
        )
        if vars:
            out += f"vars = {toml_inline(vars)}\n"
        return out + "\n"

    def ssh_argv(self, user: str = "root") -> list[str]:
        """``ssh`` options reaching this host with its pinned host key (add a command)."""
        return [
            "ssh",
            "-i",
            str(self.key),
            "-p",
            str(self.port),
            "-o",
            f"UserKnownHostsFile={self.known_hosts}",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=ERROR",
            f"{user}@{self.address}",
        ]

    def sh(
        self, script: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run a shell script on the host as root over SSH (for checks, not for ops)."""
        r = subprocess.run(
            [*self.ssh_argv(), "sh -s"],
            input=script,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and r.returncode != 0:
            raise AssertionError(
                f"on {self.name}: {script!r} exited {r.returncode}\n{r.stdout}\n{r.stderr}"
            )
        return r

    @property
    def root(self) -> Path:
        """The host's ``/`` seen from this machine (while it runs)."""
        return Path(f"/proc/{_read(self.dir / 'init.pid')}/root")


def toml_inline(v: Any) -> str:
    """A TOML inline value for simple JSON data (strings, numbers, booleans, lists, maps)."""
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_inline(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(toml_inline(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v)


def _read(p: Path) -> str:
    return p.read_text().strip()


def client_key(directory: Path) -> Path:
    """The session's client key pair in ``directory`` (made on first use)."""
    key = directory / "id_ed25519"
    if not key.exists():
        directory.mkdir(parents=True, exist_ok=True)
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "testbed", "-f", str(key)])
    return key


def _run(argv: list[str]) -> str:
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise TestbedError(f"{' '.join(argv)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout


def _overlay_possible(directory: Path) -> bool:
    # overlayfs cannot take its upper layer from an overlay (e.g. inside a container)
    fs = _run(["stat", "-f", "-c", "%T", str(directory)]).strip()
    return "overlay" in Path("/proc/filesystems").read_text() and fs != "overlayfs"


def _cgroup2_root() -> Path:
    for p in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        if (p / "cgroup.procs").exists() and (p / "cgroup.controllers").exists():
            return p
    raise TestbedError("systemd hosts need a cgroup2 hierarchy (none under /sys/fs/cgroup)")


def _answers_ssh(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=1) as s:
            s.settimeout(2)
            return s.recv(8).startswith(b"SSH-")
    except OSError:
        return False


def start(
    name: str,
    address: str,
    directory: Path,
    init: Init = "tiny",
    port: int = PORT,
    services: str = "deny",
) -> Host:
    """Make and boot the host ``name`` under ``directory``; returns once SSH works."""
    missing = missing_tools()
    if missing:
        raise TestbedError("cannot start a test host; missing: " + ", ".join(missing))
    d = directory / name
    if d.exists():
        raise TestbedError(f"{d} exists: stop that host first")
    if _answers_ssh(address, port):
        # An earlier host's sshd still listening would answer our checks for us.
        raise TestbedError(f"something already answers SSH on {address}:{port}")
    key = client_key(directory)
    overlay = _overlay_possible(directory)
    img = ensure(init, extracted=overlay)
    host = Host(name, address, port, init, d, key)
    (d / "root").mkdir(parents=True)
    (d / "host.json").write_text(json.dumps({**asdict(host), "dir": str(d), "key": str(key)}))
    _run(
        [
            "ssh-keygen",
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            f"root@{name}",
            "-f",
            str(d / "ssh_host_ed25519_key"),
        ]
    )
    pub = (d / "ssh_host_ed25519_key.pub").read_text().split()[:2]
    host.known_hosts.write_text(f"[{address}]:{port} {' '.join(pub)}\n")
    if overlay:
        (d / "upper").mkdir()
        (d / "work").mkdir()
    else:
        untar(img.tarball, d / "root")
    unshare = ["unshare", "--mount", "--uts", "--ipc", "--pid", "--fork", "--kill-child"]
    argv = [*unshare, "--propagation", "private", "bash", str(BOOT)]
    if init == "systemd":
        # A cgroup of its own, entered before unshare --cgroup makes it the namespace's
        # root: systemd then manages that subtree and never the machine's cgroups. A new
        # name each time, so a subtree still being torn down is never reused.
        cgroup = _cgroup2_root() / "specops-testbed" / f"{name}-{secrets.token_hex(4)}"
        cgroup.mkdir(parents=True)
        (d / "cgroup").write_text(str(cgroup))
        enter = 'echo $$ > "$0/cgroup.procs" && exec "$@"'
        argv = ["sh", "-c", enter, str(cgroup), *argv[:1], "--cgroup", *argv[1:]]
    env = {
        "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "TB_DIR": str(d),
        "TB_NAME": name,
        "TB_ADDRESS": address,
        "TB_PORT": str(port),
        "TB_INIT": init,
        "TB_LOWER": str(img.rootfs) if overlay else "",
        "TB_CLIENT_KEY": f"{key}.pub",
        "TB_SERVICES": services,
    }
    with (d / "boot.log").open("wb") as log:
        proc = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    (d / "pid").write_text(str(proc.pid))
    try:
        _wait_booted(host, proc)
    except BaseException:
        stop(host)
        raise
    return host


def _wait_booted(host: Host, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + BOOT_TIMEOUT[host.init]
    while not _answers_ssh(host.address, host.port):
        if proc.poll() is not None:
            raise TestbedError(
                f"host {host.name} failed to boot (exit {proc.returncode})\n" + _logs(host)
            )
        if time.monotonic() > deadline:
            raise TestbedError(
                f"host {host.name}: no sshd after {BOOT_TIMEOUT[host.init]} s\n" + _logs(host)
            )
        time.sleep(0.05)
    init_pid = _child(proc.pid)
    (host.dir / "init.pid").write_text(str(init_pid))
    (host.dir / "pidns").write_text(os.readlink(f"/proc/{init_pid}/ns/pid"))
    r = host.sh("true", check=False, timeout=30)
    if r.returncode != 0:
        raise TestbedError(f"ssh to {host.name} failed: {r.stderr.strip()}\n" + _logs(host))


def _child(pid: int) -> int:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    if not children:
        raise TestbedError(f"process {pid} (unshare) has no child")
    return int(children[0])


def _logs(host: Host) -> str:
    out = []
    for f in ("boot.log",):
        with contextlib.suppress(OSError):
            text = (host.dir / f).read_text(errors="replace").strip()
            if text:
                out.append(f"--- {f}\n{text[-3000:]}")
    return "\n".join(out) or "(boot.log is empty)"


def load(directory: Path) -> Host | None:
    """The host whose files are in ``directory``, or None when it has none."""
    try:
        data: dict[str, Any] = json.loads((directory / "host.json").read_text())
    except (OSError, ValueError):
        return None
    return Host(
        data["name"],
        data["address"],
        data["port"],
        data["init"],
        Path(data["dir"]),
        Path(data["key"]),
    )


def _in_namespace(pidns: str) -> list[int]:
    pids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            with contextlib.suppress(OSError):
                if os.readlink(p / "ns" / "pid") == pidns:
                    pids.append(int(p.name))
    return pids


def stop(host: Host, timeout: float = 30) -> None:
    """End every process of ``host``, wait until none is left, remove its files."""
    d = host.dir
    pidns = _read(d / "pidns") if (d / "pidns").exists() else None
    with contextlib.suppress(OSError, ValueError):
        # unshare --kill-child: its death SIGKILLs the host's pid 1, which ends the
        # whole pid namespace; killing pid 1 directly as well covers a dead unshare.
        os.kill(int(_read(d / "pid")), signal.SIGKILL)
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(_read(d / "init.pid")), signal.SIGKILL)
    deadline = time.monotonic() + timeout
    left: list[int] = []
    while pidns:
        left = _in_namespace(pidns)
        if not left or time.monotonic() > deadline:
            break
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
    if left:
        raise TestbedError(f"host {host.name}: processes {left} would not end; {d} kept")
    while _answers_ssh(host.address, host.port):
        if time.monotonic() > deadline:
            raise TestbedError(f"host {host.name}: {host.address}:{host.port} still answers")
        time.sleep(0.05)
    if (d / "cgroup").exists():
        _remove_cgroup(Path(_read(d / "cgroup")), deadline)
    # The host's mounts lived in its own mount namespace, gone with its last process;
    # never descend into anything still mounted below d in ours.
    mounts = Path("/proc/self/mounts").read_text()
    if f" {d}/" in mounts or f" {d} " in mounts:
        raise TestbedError(f"host {host.name}: something is mounted under {d}; not removing it")
    shutil.rmtree(d, ignore_errors=True)
    if d.exists():
        # rmtree's errors ignored above: say what is left rather than leaving it silently
        raise TestbedError(f"host {host.name}: could not remove {d}")


def _remove_cgroup(cgroup: Path, deadline: float) -> None:
    while cgroup.exists():
        # children first (systemd made a tree of them); a cgroup goes once it is empty
        for sub in sorted(cgroup.rglob("*"), key=lambda p: -len(p.parts)):
            if sub.is_dir():
                with contextlib.suppress(OSError):
                    sub.rmdir()
        with contextlib.suppress(OSError):
            cgroup.rmdir()
        if cgroup.exists():
            if time.monotonic() > deadline:
                raise TestbedError(f"cgroup {cgroup} would not go away")
            time.sleep(0.05)
