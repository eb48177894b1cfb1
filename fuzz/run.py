"""Run one fuzz target under atheris (libFuzzer, coverage-guided): ``scripts/fuzz TARGET``.

Run it with ``src`` and ``fuzz`` on ``PYTHONPATH`` (scripts/fuzz does): atheris instruments
pressdocs as it is imported from the source tree (an editable install's import hook hides
it from atheris).

Structured targets start from their seed files (fuzz/seeds/) and, as libFuzzer's own
mutations rarely keep a zip or a PDF whole, a custom mutator applies :func:`targets.mutate`
(bytes changed inside a zip's members, then packed again) half of the time.  A crash
leaves the input in the working folder (``crash-…``), as libFuzzer does.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

import atheris

# pressdocs' readers instrumented as they load (only they: instrumenting everything
# loaded would take most of a short run)
with atheris.instrument_imports(include=["pressdocs", "targets"]):
    import targets


def main() -> None:
    name, args = sys.argv[1], sys.argv[2:]
    _, seeds = targets.TARGETS[name]
    corpus = Path(tempfile.mkdtemp(prefix=f"pressdocs-fuzz-{name}-"))
    for seed in seeds:
        (corpus / seed).write_bytes((targets.SEEDS / seed).read_bytes())
    rng = random.Random(0)

    def test_one(data: bytes) -> None:
        targets.run(name, data)

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        if seeds and rng.random() < 0.5:
            rng.seed(seed)
            return targets.mutate(data, rng)[:max(max_size, 1)]
        return atheris.Mutate(data, max_size)

    atheris.Setup([sys.argv[0], *args, str(corpus)], test_one,
                  custom_mutator=mutator if seeds else None)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
