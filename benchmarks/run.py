"""specops vs pyinfra vs ansible-core on a loopback fleet of real sshd hosts.

    python benchmarks/run.py --quick                          # N=1,10, rtt 0: a couple of minutes
    python benchmarks/run.py --hosts 1,10,50,200 --rtt 0,50   # the full matrix

For each fleet size N it starts N sshd servers on 127.0.0.x (``tests/sshd.py``,
``LogLevel VERBOSE`` so every SSH connection and session is logged), and for
each round-trip time a delaying proxy in front of them (``proxy.py``). Each
tool then runs the same workload (``workload/``) against fresh per-host roots:
a dry run on the untouched hosts, a cold apply, a no-change apply. Every run is
measured by ``measure.py`` (wall time, CPU and memory of the tool's process
tree); SSH connections and sessions are counted from the sshd logs; every
host's tree is hashed after each run and compared across tools. The results go
to ``benchmarks/results/<stamp>/`` (JSON and a Markdown table).

Must run as root (it creates the ``specbench`` login user and chowns the
per-host roots to it); needs openssh-server and openssh-client.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import pwd
import re
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from tests.sshd import SshFleet, SshHost  # noqa: E402

VENV = BENCH / ".venv"
WORKLOAD = BENCH / "workload"
RESULTS = BENCH / "results"
USER = "specbench"
USER_HOME = Path("/var/lib/specbench")
TOOLS = ("specops", "pyinfra", "ansible")
MODES = ("dry", "cold", "noop")
MODE_TITLES = {"dry": "plan / dry run", "cold": "cold apply", "noop": "no-change apply"}
RUN_TIMEOUT = 1800.0
SEED = {"settings.ini": "# settings\nport = 1\n", "old.pid": "123\n"}
FIRST_OCTET = 11


# ---------------------------------------------------------------------------- setup


def sh(*argv: str | Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], check=True, text=True, **kw)


def ensure_venv(profile: bool) -> None:
    """benchmarks/.venv with the pinned pyinfra and ansible-core (py-spy for --profile)."""
    py = VENV / "bin" / "python"
    if not py.exists():
        sh(sys.executable, "-m", "venv", VENV)
    want = ["-r", str(BENCH / "requirements.txt")]
    if profile:
        want.append("py-spy")
    need = (
        not (VENV / "bin" / "pyinfra").exists() or not (VENV / "bin" / "ansible-playbook").exists()
    )
    if need or (profile and not (VENV / "bin" / "py-spy").exists()):
        sh(py, "-m", "pip", "install", "-q", *want)


def ensure_user() -> str:
    """A login user whose shell is /bin/sh with no rc files, the same for every tool.

    root's ~/.bashrc here runs ``pyenv init`` (~80 ms per SSH command); a
    dedicated user keeps that out of every tool's numbers.
    """
    try:
        pwd.getpwnam(USER)
    except KeyError:
        sh(
            "useradd", "--system", "--home-dir", USER_HOME, "--create-home",
            "--shell", "/bin/sh", "--password", "*", USER,
        )  # fmt: skip
    for rc in (".bashrc", ".profile", ".bash_logout"):
        (USER_HOME / rc).unlink(missing_ok=True)
    return USER


def install_specops_head() -> tuple[str, str]:
    """Install specops from the last commit (``git archive HEAD``) into the venv.

    The working tree may hold other people's half-done changes; the benchmark
    measures a commit. Returns the command and the commit it was built from.
    """
    commit = sh("git", "-C", REPO, "rev-parse", "HEAD", capture_output=True).stdout.strip()
    stamp = VENV / "specops-commit.txt"
    exe = VENV / "bin" / "specops"
    if exe.exists() and stamp.exists() and stamp.read_text().strip() == commit:
        return str(exe), commit
    src = Path(f"/tmp/specops-bench-src-{commit[:12]}")
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", commit],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
    sh(VENV / "bin" / "python", "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", src)
    sh(VENV / "bin" / "python", "-m", "pip", "install", "-q", src)  # its dependencies
    shutil.rmtree(src, ignore_errors=True)
    stamp.write_text(commit + "\n")
    return str(exe), commit


def versions(specops: str, commit: str | None) -> dict[str, str]:
    def out(*argv: str | Path) -> str:
        r = subprocess.run([str(a) for a in argv], capture_output=True, text=True)
        return (r.stdout or r.stderr).strip().splitlines()[0] if (r.stdout or r.stderr) else "?"

    built = f"commit {commit[:10]}" if commit else f"the working tree via {specops}"
    return {
        "specops": f"{out(specops, '--version')} ({built})",
        "pyinfra": out(VENV / "bin" / "pyinfra", "--version"),
        "ansible": out(VENV / "bin" / "ansible-playbook", "--version"),
        "openssh": _sshd_version(),
        "python": platform.python_version(),
    }


def _sshd_version() -> str:
    r = subprocess.run(["ssh", "-V"], capture_output=True, text=True)
    return r.stderr.strip()


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024 / 1024:.0f} GB RAM, {platform.platform()}"
    )


# ---------------------------------------------------------------------------- the fleet


@dataclass(frozen=True)
class Endpoint:
    """Where a tool connects for one host: the sshd itself, or its proxy."""

    name: str
    address: str
    port: int
    index: int


@contextmanager
def proxied(fleet: SshFleet, rtt_ms: int, work: Path) -> Iterator[tuple[list[Endpoint], Path]]:
    """Endpoints and their known_hosts file; with rtt_ms > 0, through a delaying proxy."""
    if rtt_ms == 0:
        yield (
            [Endpoint(h.name, h.address, h.port, i) for i, h in enumerate(fleet.hosts)],
            fleet.known_hosts,
        )
        return
    stats = work / f"proxy-rtt{rtt_ms}.json"
    proc = subprocess.Popen(
        [
            sys.executable, str(BENCH / "proxy.py"), "--delay-ms", str(rtt_ms / 2),
            "--stats", str(stats), *[f"{h.address}:{h.port}" for h in fleet.hosts],
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        ports: dict[str, int] = json.loads(proc.stdout.readline())
        endpoints = [
            Endpoint(h.name, h.address, ports[f"{h.address}:{h.port}"], i)
            for i, h in enumerate(fleet.hosts)
        ]
        known = work / f"known_hosts.rtt{rtt_ms}"
        lines = []
        for h, e in zip(fleet.hosts, endpoints, strict=True):
            key = h.known_hosts.read_text().split(None, 1)[1]
            lines.append(f"[{e.address}]:{e.port} {key}")
        known.write_text("".join(lines))
        yield endpoints, known
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def sshd_log(h: SshHost) -> Path:
    return h.scratch.parent / "sshd.log"


def log_offsets(fleet: SshFleet) -> list[int]:
    return [sshd_log(h).stat().st_size for h in fleet.hosts]


def count_ssh(fleet: SshFleet, offsets: list[int]) -> tuple[list[int], list[int]]:
    """Per host, since the offsets: authenticated TCP connections, and sessions.

    A session is one channel that runs something: an exec request (a command)
    or a subsystem (SFTP); sshd logs each as "Starting session:".
    """
    conns, sessions = [], []
    for h, off in zip(fleet.hosts, offsets, strict=True):
        with sshd_log(h).open("rb") as f:
            f.seek(off)
            text = f.read().decode(errors="replace")
        conns.append(text.count("Accepted publickey for "))
        sessions.append(text.count("Starting session: "))
    return conns, sessions


# ---------------------------------------------------------------------------- host trees


def tree_digest(root: Path) -> str:
    """A hash of every path under root: type, mode, and content or link target."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted([*dirnames, *filenames]):
            path = Path(dirpath) / name
            st = path.lstat()
            rel = path.relative_to(root).as_posix()
            mode = f"{stat.S_IMODE(st.st_mode):04o}"
            if stat.S_ISLNK(st.st_mode):
                entry = f"L {rel} -> {os.readlink(path)}"
            elif stat.S_ISDIR(st.st_mode):
                entry = f"D {rel} {mode}"
            else:
                entry = f"F {rel} {mode} {hashlib.sha256(path.read_bytes()).hexdigest()}"
            h.update(entry.encode() + b"\n")
    return h.hexdigest()


def tree_listing(root: Path) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted([*dirnames, *filenames]):
            path = Path(dirpath) / name
            st = path.lstat()
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(st.st_mode):
                out.append(f"{rel} -> {os.readlink(path)}")
            elif stat.S_ISDIR(st.st_mode):
                out.append(f"{rel}/ {stat.S_IMODE(st.st_mode):04o}")
            else:
                out.append(f"{rel} {stat.S_IMODE(st.st_mode):04o} {path.read_bytes()!r}")
    return out


def reset_roots(fleet: SshFleet, label: str, uid: int, gid: int) -> list[Path]:
    roots = []
    for h in fleet.hosts:
        root = h.scratch / label
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(mode=0o755)
        for name, text in SEED.items():
            (root / name).write_text(text)
            (root / name).chmod(0o644)
            os.chown(root / name, uid, gid)
        os.chown(root, uid, gid)
        roots.append(root)
    return roots


# ---------------------------------------------------------------------------- the tools


@dataclass
class Config:
    specops: str
    user: str
    key: Path
    work: Path


def host_port(i: int) -> int:
    return 8000 + i


def parallel(tool: str, n: int) -> str:
    """Each tool's documented or default parallelism for n hosts."""
    if tool == "specops":
        return f"default: min(32, N) = {min(32, n)}"
    if tool == "pyinfra":
        return f"default: min(20 × cores, N) = {min(20 * (os.cpu_count() or 1), n)}"
    return f"forks = min(50, N) = {min(50, n)}"


def write_inputs(
    tool: str, cfg: Config, endpoints: list[Endpoint], known: Path, roots: list[Path], d: Path
) -> None:
    d.mkdir(parents=True, exist_ok=True)
    if tool == "specops":
        out = []
        for e, root in zip(endpoints, roots, strict=True):
            out.append(
                f'[hosts.{e.name}]\nssh = "{cfg.user}@{e.address}:{e.port}"\nkey = "{cfg.key}"\n'
                f'known_hosts = "{known}"\n'
                f'vars = {{ root = "{root}", port = {host_port(e.index)} }}\n'
            )
        (d / "inventory.toml").write_text("\n".join(out))
    elif tool == "pyinfra":
        hosts = []
        for e, root in zip(endpoints, roots, strict=True):
            data = {
                "ssh_hostname": e.address,
                "ssh_port": e.port,
                "ssh_user": cfg.user,
                "ssh_key": str(cfg.key),
                "ssh_known_hosts_file": str(known),
                "ssh_strict_host_key_checking": "yes",
                "ssh_look_for_keys": False,
                "ssh_allow_agent": False,
                "root": str(root),
                "port": host_port(e.index),
            }
            hosts.append((e.name, data))
        (d / "inventory.py").write_text(f"hosts = {hosts!r}\n")
    else:
        inv: dict[str, Any] = {
            "all": {
                "vars": {
                    "ansible_user": cfg.user,
                    "ansible_ssh_private_key_file": str(cfg.key),
                    "ansible_ssh_common_args": (
                        f"-o UserKnownHostsFile={known} -o StrictHostKeyChecking=yes "
                        "-o IdentitiesOnly=yes"
                    ),
                    "ansible_python_interpreter": "/usr/bin/python3",
                },
                "hosts": {
                    e.name: {
                        "ansible_host": e.address,
                        "ansible_port": e.port,
                        "root": str(root),
                        "port": host_port(e.index),
                    }
                    for e, root in zip(endpoints, roots, strict=True)
                },
            }
        }
        (d / "inventory.json").write_text(json.dumps(inv, indent=1))
        # ControlPath sockets must be short (sun_path is 108 bytes).
        cp = Path(f"/tmp/sb-cp-{os.getpid()}-{d.name}")
        shutil.rmtree(cp, ignore_errors=True)
        (d / "ansible.cfg").write_text(
            "\n".join(
                [
                    "[defaults]",
                    f"inventory = {d / 'inventory.json'}",
                    f"forks = {min(50, len(endpoints))}",
                    "host_key_checking = True",
                    "retry_files_enabled = False",
                    f"local_tmp = {d / 'ansible-local'}",
                    "[ssh_connection]",
                    "pipelining = True",
                    f"control_path_dir = {cp}",
                    "",
                ]
            )
        )


def command(tool: str, mode: str, cfg: Config, d: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160", "PYTHONUNBUFFERED": "1"}
    if tool == "specops":
        verb = ["plan"] if mode == "dry" else ["apply", "--yes"]
        site = str(WORKLOAD / "site.toml")
        return [cfg.specops, *verb, site, "-i", str(d / "inventory.toml")], env
    if tool == "pyinfra":
        argv = [str(VENV / "bin" / "pyinfra"), str(d / "inventory.py")]
        argv.append(str(WORKLOAD / "deploy.py"))
        # --dry alone detects and prints the changes; -y applies without detecting first.
        argv.append("--dry" if mode == "dry" else "-y")
        return argv, env
    env.update(ANSIBLE_CONFIG=str(d / "ansible.cfg"), ANSIBLE_HOME=str(d / "ansible-home"))
    argv = [str(VENV / "bin" / "ansible-playbook"), str(WORKLOAD / "playbook.yml")]
    if mode == "dry":
        argv.append("--check")
    return argv, env


def reported_changes(tool: str, log: str) -> int | None:
    """How many changes the tool itself reported (for the no-change run), if it says."""
    if tool == "ansible":
        found = re.findall(r"\bchanged=(\d+)", log)
        return sum(int(x) for x in found) if found else None
    if tool == "specops":
        m = re.search(r"Plan: (\d+) to add, (\d+) to change, (\d+) to remove", log)
        if m:
            return sum(int(x) for x in m.groups())
        return 0 if re.search(r"No changes|nothing to do", log, re.I) else None
    # pyinfra's results table ends "Grand total  HOSTS  SUCCESS  ERROR  NO-CHANGE" ("-" is 0)
    m = re.search(r"Grand total\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", log)
    if not m:
        return None
    _, success, _, unchanged = (0 if x == "-" else int(x) for x in m.groups())
    return success - unchanged


# ---------------------------------------------------------------------------- one run


@dataclass
class Run:
    tool: str
    mode: str
    hosts: int
    rtt_ms: int
    parallel: str
    exit_code: int
    wall: float
    cpu: float
    max_rss_kb: int
    peak_tree_pss_kb: int
    peak_procs: int
    conns_per_host: float
    sessions_per_host: float
    sessions_min: int
    sessions_max: int
    reported_changes: int | None
    tree_ok: bool
    note: str = ""
    log: str = ""
    machine_cpu: float = 0.0
    loadavg: float = 0.0


def measure(argv: list[str], env: dict[str, str], d: Path, label: str) -> dict[str, Any]:
    out, log = d / f"{label}.json", d / f"{label}.log"
    subprocess.run(
        [
            sys.executable, str(BENCH / "measure.py"), "--out", str(out), "--log", str(log),
            "--timeout", str(RUN_TIMEOUT), "--cwd", str(d), "--", *argv,
        ],
        env=env,
        check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.read_text())
    result["log_path"] = str(log)
    return result


def bench_tool(
    tool: str,
    cfg: Config,
    fleet: SshFleet,
    endpoints: list[Endpoint],
    known: Path,
    rtt: int,
    digests: dict[str, list[str]],
) -> list[Run]:
    n = len(fleet.hosts)
    pw = pwd.getpwnam(cfg.user)
    label = f"{tool}-rtt{rtt}"
    roots = reset_roots(fleet, label, pw.pw_uid, pw.pw_gid)
    d = cfg.work / f"N{n}" / label
    write_inputs(tool, cfg, endpoints, known, roots, d)
    seeded = [tree_digest(r) for r in roots]
    runs: list[Run] = []
    cold: list[str] = []
    for mode in MODES:
        argv, env = command(tool, mode, cfg, d)
        offsets = log_offsets(fleet)
        time.sleep(0.05)
        m = measure(argv, env, d, mode)
        time.sleep(0.3)  # let sshd finish writing its log lines
        conns, sessions = count_ssh(fleet, offsets)
        after = [tree_digest(r) for r in roots]
        note = ""
        if mode == "dry":
            ok = after == seeded
            note = "" if ok else "dry run changed the hosts"
        elif mode == "cold":
            cold = after
            ok = True
            ref = digests.setdefault(f"N{n}", after) if m["exit_code"] == 0 else after
            if ref != after:
                ok = False
                bad = [h.name for h, a, b in zip(fleet.hosts, ref, after, strict=True) if a != b]
                note = f"trees differ from the first tool's on {len(bad)} hosts ({bad[0]})"
        else:
            ok = after == cold
            note = "" if ok else "no-change run changed the hosts"
        log_text = Path(m["log_path"]).read_text(errors="replace")
        if m["exit_code"] != 0:
            ok = False
            note = f"exit code {m['exit_code']}; {note}"
        run = Run(
            tool=tool,
            mode=mode,
            hosts=n,
            rtt_ms=rtt,
            parallel=parallel(tool, n),
            exit_code=m["exit_code"],
            wall=m["wall"],
            cpu=m["cpu_user"] + m["cpu_sys"],
            max_rss_kb=m["max_rss_kb"],
            peak_tree_pss_kb=m["peak_tree_pss_kb"],
            peak_procs=m["peak_procs"],
            conns_per_host=sum(conns) / n,
            sessions_per_host=sum(sessions) / n,
            sessions_min=min(sessions),
            sessions_max=max(sessions),
            reported_changes=reported_changes(tool, log_text),
            tree_ok=ok,
            note=note.strip("; "),
            log=m["log_path"],
            machine_cpu=m.get("machine_busy_cpu", 0.0),
            loadavg=m.get("loadavg_before", 0.0),
        )
        runs.append(run)
        print(
            f"  {tool:8} {mode:5} N={n:<3} rtt={rtt:<3} "
            f"wall {run.wall:7.2f}s  cpu {run.cpu:7.2f}s  "
            f"rss {run.max_rss_kb / 1024:6.1f} MB  pss {run.peak_tree_pss_kb / 1024:7.1f} MB  "
            f"conn/host {run.conns_per_host:5.1f}  sess/host {run.sessions_per_host:6.1f}  "
            f"{'ok' if ok else 'CHECK: ' + run.note}",
            flush=True,
        )
    return runs


# ---------------------------------------------------------------------------- report


def table(runs: list[Run]) -> str:
    lines = [
        "| N | RTT | run | tool | wall s | CPU s | max RSS MB | tree PSS MB "
        "| conns/host | sessions/host | trees | vs pyinfra | vs ansible | machine CPU s (load) |",
        "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    by = {(r.hosts, r.rtt_ms, r.mode, r.tool): r for r in runs}
    keys = sorted(
        {(r.hosts, r.rtt_ms, r.mode) for r in runs},
        key=lambda k: (k[0], k[1], MODES.index(k[2])),
    )
    for n, rtt, mode in keys:
        for tool in TOOLS:
            r = by.get((n, rtt, mode, tool))
            if r is None:
                continue
            ratios = ["", ""]
            if tool == "specops":
                for i, other in enumerate(("pyinfra", "ansible")):
                    o = by.get((n, rtt, mode, other))
                    if o is not None and r.wall > 0:
                        ratios[i] = f"{o.wall / r.wall:.1f}×"
            trees = "same" if r.tree_ok else f"DIFF: {r.note}"
            busy = f"{r.machine_cpu:.1f} ({r.loadavg:.1f})" if r.machine_cpu else "–"
            sessions = f"{r.sessions_per_host:.1f}"
            if r.sessions_min != r.sessions_max:
                sessions += f" ({r.sessions_min}–{r.sessions_max})"
            lines.append(
                f"| {n} | {rtt} ms | {MODE_TITLES[mode]} | {tool} | {r.wall:.2f} | {r.cpu:.2f} "
                f"| {r.max_rss_kb / 1024:.1f} | {r.peak_tree_pss_kb / 1024:.1f} "
                f"| {r.conns_per_host:.1f} | {sessions} | {trees} "
                f"| {ratios[0]} | {ratios[1]} | {busy} |"
            )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--hosts", default="1,10,50,200", help="fleet sizes (default 1,10,50,200)")
    p.add_argument("--rtt", default="0,50", help="round-trip times in ms (default 0,50)")
    p.add_argument("--quick", action="store_true", help="N=1,10 at rtt 0 only")
    p.add_argument("--tools", default=",".join(TOOLS), help="subset of specops,pyinfra,ansible")
    p.add_argument(
        "--specops",
        help="the specops command to benchmark (default: specops built from git HEAD "
        "into benchmarks/.venv; e.g. /tmp/venv/bin/specops for the working tree)",
    )
    p.add_argument("--work", help="scratch directory (default /tmp/specops-bench-STAMP)")
    p.add_argument(
        "--report",
        nargs="+",
        metavar="DIR",
        help="only print one table from these results directories (later runs win)",
    )
    args = p.parse_args(argv)
    if args.report:
        merged: dict[tuple[int, int, str, str], Run] = {}
        for d in args.report:
            doc = json.loads((Path(d) / "runs.json").read_text())
            print(f"{d}: {doc['meta']['date']}, {doc['meta']['versions']}")
            for r in doc["runs"]:
                run = Run(**r)
                merged[(run.hosts, run.rtt_ms, run.mode, run.tool)] = run
        print(table(list(merged.values())))
        return 0
    if os.geteuid() != 0:
        p.error("run as root: the benchmark creates the specbench user and chowns host roots")
    sizes = [1, 10] if args.quick else [int(x) for x in args.hosts.split(",")]
    rtts = [0] if args.quick else [int(x) for x in args.rtt.split(",")]
    tools = [t for t in args.tools.split(",") if t]
    if unknown := set(tools) - set(TOOLS):
        p.error(f"unknown tools: {', '.join(sorted(unknown))}")
    if max(sizes) + FIRST_OCTET - 1 > 254:
        p.error("at most 244 hosts (one 127.0.0.x address each)")

    ensure_venv(profile=False)
    commit: str | None = None
    if args.specops is None:
        args.specops, commit = install_specops_head()
    elif Path(args.specops) == VENV / "bin" / "specops":
        built = VENV / "specops-commit.txt"  # reuse the build run.py made earlier
        commit = built.read_text().strip() if built.exists() else None
    user = ensure_user()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    work = Path(args.work or f"/tmp/specops-bench-{stamp}")
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)  # the bench user must reach the per-host roots under it
    out_dir = RESULTS / stamp
    out_dir.mkdir(parents=True, exist_ok=True)
    meta = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(args.specops, commit),
        "specops_command": args.specops,
        "user": user,
        "work": str(work),
    }
    print(json.dumps(meta, indent=1), flush=True)
    runs: list[Run] = []
    for n in sizes:
        print(f"fleet of {n} sshd hosts ...", flush=True)
        fleet_dir = work / f"fleet{n}"
        fleet_dir.mkdir(mode=0o755)
        with SshFleet(n, fleet_dir, FIRST_OCTET, user=user, log_level="VERBOSE") as fleet:
            cfg = Config(args.specops, user, fleet.key_file, work)
            for rtt in rtts:
                digests: dict[str, list[str]] = {}
                with proxied(fleet, rtt, work) as (endpoints, known):
                    for tool in tools:
                        runs += bench_tool(tool, cfg, fleet, endpoints, known, rtt, digests)
                (out_dir / "runs.json").write_text(
                    json.dumps({"meta": meta, "runs": [asdict(r) for r in runs]}, indent=1)
                )
    md = table(runs)
    (out_dir / "table.md").write_text(md + "\n")
    print(md)
    print(f"results: {out_dir}")
    return 0 if all(r.tree_ok for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
