"""Benchmark the CLI: start-up, cold single brief, full build (wall-clock, best of N).

    .venv/bin/python bench/bench_cli.py [--runs 3]

Prints one line per measure. Targets (issue 2): --help/--version well under 0.5 s;
a cold `briefgen brief` a few seconds (spaCy's French pipeline load dominates).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "briefgen"]


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "seeds", work / "seeds")
        shutil.copy(ROOT / "config.yaml", work / "config.yaml")
        seed = work / "seeds" / "000_7b9975ba05c54ee4.txt"
        measures = {
            "briefgen --version": CLI + ["--version"],
            "briefgen --help": CLI + ["--help"],
            "briefgen brief (cold, no cache)": CLI + ["brief", str(seed), "-o", str(work / "x.pdf")],
        }
        for name, cmd in measures.items():
            best = float("inf")
            for _ in range(args.runs):
                shutil.rmtree(work / "out", ignore_errors=True)
                best = min(best, timed(cmd, work))
            print(f"{name:<36} {best:7.2f} s (best of {args.runs})")
        shutil.rmtree(work / "out", ignore_errors=True)
        full = timed(CLI + ["build"], work)
        again = timed(CLI + ["build"], work)
        n = len(list((work / "seeds").iterdir()))
        print(f"{'briefgen build, ' + str(n) + ' seeds (cold)':<36} {full:7.2f} s")
        print(f"{'briefgen build again (facts cached)':<36} {again:7.2f} s")


if __name__ == "__main__":
    main()
