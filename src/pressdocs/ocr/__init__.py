"""Reading scanned and photographed forms by OCR (``pip install 'pressdocs[ocr]'``).

- :mod:`pressdocs.ocr.engine` — the engines (RapidOCR; Tesseract for comparison);
- :mod:`pressdocs.ocr.page` — a page image read as a form: upright, its cells, its text;
- :mod:`pressdocs.ocr.scan` — which pictures and PDF pages are scans, read once each.

The built-in parser :mod:`pressdocs.builtin.parse_scan` and the PDF parser use them; a
document read by OCR says so (``Document.ocr``: each field read, with the engine's
confidence in it).
"""
