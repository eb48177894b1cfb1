"""Fuzzing the readers of what strangers send (fuzz/targets.py): MIME and file names,
archives, docx/PDF/xlsx forms, dates and 字数.  No exception escapes but pressdocs' own
errors, its clear answers to bad input.

Hypothesis runs each target briefly here; the structured ones mutate the seed files
(fuzz/seeds/) with a seed hypothesis draws, so a failure shrinks to the simplest seed.
A short atheris run of each target checks that ``scripts/fuzz`` works (it runs longer).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "fuzz"))

import targets  # noqa: E402

QUICK = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(st.binary(max_size=4000))
def test_mime_of_any_bytes(data: bytes) -> None:
    targets.run("mime", data)


@QUICK
@given(st.one_of(st.binary(max_size=300),
                 st.text(max_size=120).map(lambda s: s.encode("utf-8", "surrogatepass")),
                 st.text(max_size=60).map(lambda s: s.encode("gb18030", "replace"))))
def test_file_name_recovery(data: bytes) -> None:
    targets.run("filename", data)


@QUICK
@given(st.text(alphabet=st.sampled_from("0123456789年月日时分点上午下午晚.-/:：号 二〇一三四五六七八九十廿"
                                        "　ＡＢ１２"), max_size=40).map(str.encode)
       | st.binary(max_size=200))
def test_dates_as_units_write_them(data: bytes) -> None:
    targets.run("dates", data)


@QUICK
@given(st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_zishu_of_any_text(data: bytes) -> None:
    targets.run("zishu", data)


def _mutated(seed: str) -> st.SearchStrategy[bytes]:
    original = (targets.SEEDS / seed).read_bytes()
    return st.integers(min_value=0, max_value=2**32).map(
        lambda n: targets.mutate(original, random.Random(n)))


@SLOW
@given(st.one_of(_mutated("registration.docx"), _mutated("statistics.xlsx"),
                 st.binary(max_size=600).map(lambda b: b"PK\x03\x04" + b),
                 st.binary(max_size=600).map(lambda b: b"7z\xbc\xaf\x27\x1c" + b),
                 st.binary(max_size=600).map(lambda b: b"Rar!\x1a\x07\x01\x00" + b)))
def test_archives_damaged_or_forged(data: bytes) -> None:
    targets.run("archive", data)


@SLOW
@given(_mutated("registration.docx"))
def test_docx_forms_damaged(data: bytes) -> None:
    targets.run("docx", data)


@SLOW
@given(_mutated("registration.pdf"))
def test_pdf_forms_damaged(data: bytes) -> None:
    targets.run("pdf", data)


@SLOW
@given(_mutated("statistics.xlsx"))
def test_xlsx_tables_damaged(data: bytes) -> None:
    targets.run("xlsx", data)


def test_every_seed_reads_as_its_form() -> None:
    """The seeds are real forms (else the mutations would start from nothing)."""
    from pressdocs import Pressdocs

    with Pressdocs(load_entry_points=False) as app:
        for name, kind in (("registration.docx", "registration"),
                           ("registration.pdf", "registration"),
                           ("statistics.xlsx", "statistics")):
            result = app.read((targets.SEEDS / name).read_bytes(), name=name)
            assert result.error is None and result.kind.value == kind, (name, result)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_atheris_runs_each_target_briefly(name: str, tmp_path: Path) -> None:
    pytest.importorskip("atheris", reason="scripts/fuzz needs atheris (the test extra)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "src"), str(ROOT / "fuzz"), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "run.py"), name, "-max_total_time=2",
         "-rss_limit_mb=2048", "-timeout=30"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Done" in done.stderr
    assert not list(tmp_path.glob("crash-*"))
