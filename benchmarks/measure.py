"""Run one command and measure its whole process tree: wall time, CPU, memory.

    python benchmarks/measure.py --out result.json --log out.txt [--timeout S] -- CMD ...

This process makes itself a Linux child subreaper, so every descendant of the
command, including daemons it leaves behind (Ansible's ControlPersist ssh
masters), stays in its tree. Measured:

- ``wall``: from start until the command itself exits;
- ``cpu_user``/``cpu_sys``: user and system CPU of the whole tree (every
  descendant is reaped here, so ``RUSAGE_CHILDREN`` covers them all); leftover
  daemons are stopped (SIGTERM) after the command exits, and counted;
- ``max_rss_kb``: the largest resident set of any one process of the tree;
- ``peak_tree_pss_kb``: the largest sum of proportional set sizes (PSS: shared
  pages split between their sharers, so forked workers are not double counted)
  over the tree, sampled at 0.05, 0.1, 0.2 … s, then every ``--sample`` seconds;
- ``peak_procs``: the most processes seen in the tree at once;
- ``machine_busy_cpu``: CPU seconds the whole machine used meanwhile (the tool,
  the sshd servers and their sessions, the proxy, and anything else running);
  with ``loadavg_before`` it tells how quiet the machine was.

This wrapper's own CPU and memory are not counted.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds every process on the machine has used (all cores), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def _set_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def _parents() -> dict[int, int]:
    out: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(b")", 1)[1].split()
        out[int(entry.name)] = int(fields[1])
    return out


def descendants(root: int) -> list[int]:
    parents = _parents()
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    out: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class Sampler(threading.Thread):
    def __init__(self, interval: float) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_pss_kb = 0
        self.peak_procs = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        # Reading smaps_rollup takes the process's mmap lock, which fork() needs too:
        # sample often at first (short runs), then every `interval` seconds.
        me = os.getpid()
        wait = 0.05
        while not self.stopped.is_set():
            pids = descendants(me)
            self.peak_procs = max(self.peak_procs, len(pids))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(p) for p in pids))
            self.stopped.wait(wait)
            wait = min(self.interval, wait * 2)


def _reap_all(deadline: float) -> None:
    """Stop and reap every remaining descendant (they are all our children now)."""
    me = os.getpid()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in descendants(me):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                time.sleep(0.02)
        deadline = time.monotonic() + 5.0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--out", required=True, help="write the measurements here (JSON)")
    p.add_argument("--log", required=True, help="the command's stdout and stderr")
    p.add_argument("--timeout", type=float, default=1800.0, help="kill the tree after S seconds")
    p.add_argument("--sample", type=float, default=1.0, help="memory sampling interval (s)")
    p.add_argument("--cwd", help="working directory of the command")
    p.add_argument("command", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        p.error("no command")
    _set_subreaper()
    sampler = Sampler(args.sample)
    timed_out = False
    with open(args.log, "wb") as log:
        start = time.monotonic()
        busy = machine_busy()
        load = Path("/proc/loadavg").read_text().split()[0]
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=args.cwd
        )
        sampler.start()
        try:
            code = proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            proc.kill()
            code = proc.wait()
        wall = time.monotonic() - start
        busy = machine_busy() - busy
    leftovers = len(descendants(os.getpid()))
    _reap_all(time.monotonic() + 5.0)
    sampler.stopped.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "command": command,
        "exit_code": code,
        "timed_out": timed_out,
        "wall": wall,
        "cpu_user": usage.ru_utime,
        "cpu_sys": usage.ru_stime,
        "max_rss_kb": usage.ru_maxrss,
        "peak_tree_pss_kb": sampler.peak_pss_kb,
        "peak_procs": sampler.peak_procs,
        "leftover_procs": leftovers,
        "machine_busy_cpu": busy,
        "loadavg_before": float(load),
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
