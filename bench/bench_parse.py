"""How fast the document parsers are, against the least any reader must do.

Run ``python bench/bench_parse.py [--runs N]``.  For a filled registration form (登记表,
built with python-docx as in the tests):

- floor: unzip ``word/document.xml`` and parse it (ElementTree; lxml too, if installed);
- ``DocxParser.parse`` and the whole extraction (``read_document``: sniff, parse,
  classify, extract the registration) — target: within 10× the floor;
- ``docx.Document()`` — only loading the file with python-docx, for comparison.

For the same form as PDF (LibreOffice's export; without LibreOffice, a small PDF written
here): bare ``PdfReader(...).pages[i].extract_text()`` over all pages (the floor of a
text-lines reader), bare pdfplumber ``find_tables()`` + ``extract_text()`` on every page
(the floor of reading the layout, what ``PdfParser`` does for a form), and bare pypdfium2
character boxes (the least any layout reader must do, without the ruling lines) against
``PdfParser.parse`` (target: within 1.5× of the pdfplumber floor).  Figures are the
median of N runs.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the fixtures the tests use

import docfixtures  # noqa: E402
from pressdocs.builtin.parse_docx import DocxParser  # noqa: E402
from pressdocs.builtin.parse_pdf import PdfParser  # noqa: E402

Row = tuple[str, float, float]


def medians_ms(cases: list[Callable[[], object]], runs: int) -> list[float]:
    """Median time of each case; the cases take turns in every round, so a busy machine
    slows them alike instead of skewing the ratios."""
    for fn in cases:
        fn()  # warm caches and lazy imports
    times: list[list[float]] = [[] for _ in cases]
    for _ in range(runs):
        for fn, bucket in zip(cases, times, strict=True):
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    return [statistics.median(t) * 1000 for t in times]


def docx_rows(data: bytes, runs: int) -> list[Row]:
    import docx

    def floor_etree() -> object:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return ElementTree.fromstring(zf.read("word/document.xml"))

    names = ["floor: unzip + ElementTree parse"]
    cases: list[Callable[[], object]] = [floor_etree]
    try:
        from lxml import etree

        def floor_lxml() -> object:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                return etree.fromstring(zf.read("word/document.xml"))

        names.append("floor: unzip + lxml parse")
        cases.append(floor_lxml)
    except ImportError:
        pass
    parser = DocxParser()
    from pressdocs import Config, load_plugins
    from pressdocs._reading import read_document

    plugins, config = load_plugins(entry_points=False), Config()

    def extraction() -> object:  # sniff + parse + classify + extract_registration
        result = read_document(data, "登记表.docx", plugins=plugins, config=config)
        assert result.data is not None
        return result

    names += ["DocxParser.parse", "extraction (read_document → Registration)",
              "docx.Document() load only"]
    cases += [lambda: parser.parse(data, "登记表.docx"), extraction,
              lambda: docx.Document(io.BytesIO(data))]
    ms = medians_ms(cases, runs)
    return [(name, t, t / ms[0]) for name, t in zip(names, ms, strict=True)]


def pdf_rows(data: bytes, runs: int) -> tuple[list[Row], float]:
    """The PDF cases against the pypdf floor, and ``PdfParser.parse`` against the
    pdfplumber floor."""
    import pdfplumber
    import pypdfium2
    from pypdf import PdfReader

    def bare() -> object:
        reader = PdfReader(io.BytesIO(data))
        return [page.extract_text() for page in reader.pages]

    def bare_plumber() -> object:  # the layout: ruling lines, tables, text
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [(page.find_tables(), page.extract_text()) for page in pdf.pages]

    def bare_pdfium() -> object:  # character boxes only: no lines, no tables
        doc = pypdfium2.PdfDocument(data)
        boxes = []
        for page in doc:
            text = page.get_textpage()
            boxes.append([text.get_charbox(i) for i in range(text.count_chars())])
        doc.close()
        return boxes

    parser = PdfParser()
    from pressdocs import Config, load_plugins
    from pressdocs._reading import read_document

    plugins, config = load_plugins(entry_points=False), Config()
    floor, plumber, pdfium, ours, full = medians_ms([
        bare, bare_plumber, bare_pdfium, lambda: parser.parse(data, "登记表.pdf"),
        lambda: read_document(data, "登记表.pdf", plugins=plugins, config=config)], runs)
    return [("floor: bare PdfReader + extract_text", floor, 1.0),
            ("bare pdfplumber find_tables + extract_text", plumber, plumber / floor),
            ("bare pypdfium2 character boxes", pdfium, pdfium / floor),
            ("PdfParser.parse", ours, ours / floor),
            ("extraction (read_document → Registration)", full, full / floor)], ours / plumber


def registration_pdf(docx_data: bytes) -> tuple[bytes, str]:
    if docfixtures.SOFFICE is not None:
        return docfixtures.converted("registration.docx", "pdf"), "LibreOffice export"
    return _simple_pdf(_ascii_lines(docx_data)), "written here (no LibreOffice)"


def _ascii_lines(docx_data: bytes) -> list[str]:
    content = DocxParser().parse(docx_data, "x.docx")
    lines = content.text.splitlines()
    return [line.encode("unicode_escape").decode("ascii")[:90] for line in lines]


def _simple_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text lines, for machines without LibreOffice."""
    text = "BT /F1 10 Tf 50 800 Td 12 TL " + " ".join(
        "({}) '".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
        for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode()),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"  {'case':<44} {'median ms':>10} {'× floor':>8}")
    for name, ms, ratio in rows:
        print(f"  {name:<44} {ms:>10.3f} {ratio:>8.2f}")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=50, help="runs per case (median)")
    args = options.parse_args()
    samples = [("登记表.docx, written by python-docx", docfixtures.registration_docx())]
    if docfixtures.SOFFICE is not None:
        from pressdocs import _libreoffice as libreoffice

        doc = docfixtures.converted("registration.docx", "doc")
        resaved = libreoffice.convert(doc, suffix=".doc", target="docx")
        samples.append(("登记表.doc re-saved as .docx by LibreOffice", resaved))
    for title, data in samples:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml_size = zf.getinfo("word/document.xml").file_size
        print_table(f"{title} ({len(data):,} bytes; document.xml {xml_size:,} bytes), "
                    f"median of {args.runs}", docx_rows(data, args.runs))
    pdf, origin = registration_pdf(docfixtures.registration_docx(controls=False))
    pages = len(__import__("pypdf").PdfReader(io.BytesIO(pdf)).pages)
    rows, layout_ratio = pdf_rows(pdf, args.runs)
    print_table(f"登记表.pdf ({len(pdf):,} bytes, {pages} page(s), {origin}), "
                f"median of {args.runs}", rows)
    print(f"  PdfParser.parse is {layout_ratio:.2f}× the bare pdfplumber reading "
          "(target: within 1.5×)")


if __name__ == "__main__":
    main()
