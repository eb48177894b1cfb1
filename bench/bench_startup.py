"""How long ``pressdocs`` takes to start, against a bare Python.

Run ``python bench/bench_startup.py`` (``--repeat N``, default 15).  Each command runs in
a fresh interpreter (this checkout's ``src`` first on the path), best of N wall-clock
times; the ratios are to ``python -c pass``.  The commands take turns (one run of each,
N times over), so that a burst of load on a shared machine falls on all of them alike
instead of on the one being timed.  Targets: ``--version`` and ``--help`` within 3×,
``plugins`` within 5×.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import best

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "python -c pass": ["-c", "pass"],
    "pressdocs --version": ["-m", "pressdocs", "--version"],
    "pressdocs --help": ["-m", "pressdocs", "--help"],
    "pressdocs plugins": ["-m", "pressdocs", "plugins"],
}
TARGETS = {"pressdocs --version": 3.0, "pressdocs --help": 3.0, "pressdocs plugins": 5.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each (best counts)")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    runs: dict[str, list[float]] = {label: [] for label in COMMANDS}
    for _ in range(args.repeat):
        for label, argv in COMMANDS.items():
            def run(argv: list[str] = argv) -> None:
                subprocess.run([sys.executable, *argv], env=env, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            runs[label].append(best(1, run))
    times = {label: min(seconds) for label, seconds in runs.items()}
    bare = times["python -c pass"]
    print(f"{'command':<22} {'best ms':>8} {'× bare':>7} {'target':>7}")
    for label, seconds in times.items():
        target = f"{TARGETS[label]:.0f}×" if label in TARGETS else ""
        print(f"{label:<22} {seconds * 1000:>8.0f} {seconds / bare:>7.1f} {target:>7}")


if __name__ == "__main__":
    main()
