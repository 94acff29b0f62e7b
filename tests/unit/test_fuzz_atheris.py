"""A bounded atheris (libFuzzer) run over the loaders, expressions and fact parsers,
from a corpus seeded with the repository's examples and recorded fact outputs.
Longer runs: see tests/fuzz/fuzz_inputs.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HARNESS = Path(__file__).resolve().parents[1] / "fuzz" / "fuzz_inputs.py"


def test_atheris_finds_no_crash(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(HARNESS), "--seeds", str(corpus)], check=True)
    assert len(list(corpus.iterdir())) > 50
    r = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            str(corpus),
            "-runs=40000",
            "-seed=1",
            "-timeout=10",
            "-rss_limit_mb=2048",
            "-max_len=16384",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    crashes = [
        p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))
    ]
    assert r.returncode == 0 and not crashes, (crashes, r.stderr[-4000:])
    assert "Done 40000 runs" in r.stderr
