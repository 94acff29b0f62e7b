"""Where specops' time goes: py-spy on a cold and a no-change apply over a loopback fleet.

    python benchmarks/profile_specops.py --hosts 50 [--rtt 50]

Starts a fleet like ``run.py`` (same user, workload and inventory), runs
``py-spy record --nonblocking --threads`` (CPU samples: waiting threads are
not counted; non-blocking, so the process is not paused to sample it) on the
specops process for a cold apply and a
no-change apply, and prints, per run, the CPU samples by phase (imports,
compile, connect, paramiko's transport threads, fact read, plan, rendering)
and the top functions by own time. Raw py-spy output (collapsed stacks) stays in
the work directory for flame graphs. Run ``run.py`` once first (it creates the
venv, installs specops from HEAD and creates the user); py-spy is installed into
``benchmarks/.venv`` on first use.
"""

from __future__ import annotations

import argparse
import collections
import os
import pwd
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import run as bench  # noqa: E402

from tests.sshd import SshFleet  # noqa: E402

# (phase, substring of a frame) from the innermost frame outwards: the first match names
# the phase of a sample. Imports win wherever they appear in the stack.
PHASES: list[tuple[str, str]] = [
    ("connect (SSH handshake, auth, key loading)", "connectors/ssh.py"),
    ("paramiko transport threads (crypto, packets)", "paramiko/transport.py"),
    ("paramiko (other)", "paramiko/"),
    ("fact read and parsing", "runtime/core/fact.py"),
    ("rendering (rich)", "rich/"),
    ("rendering (rich)", "runtime/engine/render.py"),
    ("compile (load, lower, optimize)", "specops/compiler/"),
    ("executor (plan ops, apply script)", "runtime/engine/executor.py"),
    ("executor (plan ops, apply script)", "runtime/engine/planner.py"),
    ("ops (plan, effects)", "specops/runtime/"),
    ("command line", "specops/cli.py"),
]


def phase_of(stack: list[str]) -> str:
    if not stack:
        return "no Python frame (native code: crypto, I/O, GIL hand-off)"
    if any("_find_and_load" in f for f in stack):
        return "imports"
    for frame in reversed(stack):
        for name, needle in PHASES:
            if needle in frame:
                return name
    return "other (interpreter, threads)"


def summarize(raw: Path, rate: int, top: int = 12) -> str:
    phases: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack_text, _, count_text = line.rpartition(" ")
        if not stack_text:
            continue
        count = int(count_text)
        stack = stack_text.split(";")[1:]  # the first entry names the thread
        total += count
        phases[phase_of(stack)] += count
        if stack:
            own[stack[-1]] += count
    out = [f"  {total} CPU samples = {total / rate:.2f} CPU s, by phase:"]
    for ph, c in phases.most_common():
        out.append(f"    {100 * c / max(1, total):5.1f}%  {c / rate:6.2f} s  {ph}")
    out.append("  top functions by own samples:")
    for f, c in own.most_common(top):
        out.append(f"    {100 * c / max(1, total):5.1f}%  {f[:110]}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--hosts", type=int, default=50)
    p.add_argument("--rtt", type=int, default=0, help="round-trip time in ms (proxy)")
    p.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    p.add_argument("--work", default=f"/tmp/specops-profile-{time.strftime('%Y%m%d-%H%M%S')}")
    p.add_argument("--specops", default=str(bench.VENV / "bin" / "specops"))
    args = p.parse_args(argv)
    pyspy = bench.VENV / "bin" / "py-spy"
    if not pyspy.exists():
        bench.sh(bench.VENV / "bin" / "python", "-m", "pip", "install", "-q", "py-spy")
    user = bench.ensure_user()
    pw = pwd.getpwnam(user)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    work.chmod(0o755)
    fleet_dir = work / "fleet"
    fleet_dir.mkdir(mode=0o755, exist_ok=True)
    with SshFleet(
        args.hosts, fleet_dir, bench.FIRST_OCTET, user=user, log_level="VERBOSE"
    ) as fleet:
        cfg = bench.Config(args.specops, user, fleet.key_file, work)
        with bench.proxied(fleet, args.rtt, work) as (endpoints, known):
            t = time.monotonic()
            subprocess.run([args.specops, "ops"], check=True, stdout=subprocess.DEVNULL)
            print(f"start-up (specops ops: interpreter, imports, catalog): "
                  f"{time.monotonic() - t:.2f} s")  # fmt: skip
            d = work / "inputs"
            # specops' own account first (--stats: round trips, bytes, time per phase)
            roots = bench.reset_roots(fleet, "stats", pw.pw_uid, pw.pw_gid)
            bench.write_inputs("specops", cfg, endpoints, known, roots, d)
            for mode in ("dry", "cold", "noop"):
                argv_, env = bench.command("specops", mode, cfg, d)
                t = time.monotonic()
                r = subprocess.run(
                    [*argv_, "--stats"], env=env, cwd=d, capture_output=True, text=True
                )
                wall = time.monotonic() - t
                (work / f"stats-{mode}.txt").write_text(r.stdout + r.stderr)
                tail = "\n".join(r.stdout.rstrip().splitlines()[-12:])
                print(f"{mode}, N={args.hosts}, rtt {args.rtt} ms: {wall:.2f} s, --stats says:")
                print(tail, flush=True)
            # then py-spy
            roots = bench.reset_roots(fleet, "profile", pw.pw_uid, pw.pw_gid)
            bench.write_inputs("specops", cfg, endpoints, known, roots, d)
            for mode in ("cold", "noop"):
                argv_, env = bench.command("specops", mode, cfg, d)
                raw = work / f"{mode}.txt"
                start = time.monotonic()
                subprocess.run(
                    [str(pyspy), "record", "--nonblocking", "--threads", "--format", "raw",
                     "--rate", str(args.rate), "--output", str(raw), "--", *argv_],
                    env=env,
                    cwd=d,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )  # fmt: skip
                wall = time.monotonic() - start
                print(f"{mode} apply, N={args.hosts}, rtt {args.rtt} ms: {wall:.2f} s under py-spy")
                print(summarize(raw, args.rate), flush=True)
    print(f"raw stacks: {work}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    sys.exit(main())
