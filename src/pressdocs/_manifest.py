"""What each built-in plugin registers and needs, known without importing it.

``pressdocs plugins``, the configuration check (a ``[rules.<CODE>]`` must name a real
rule) and the clash checks against third-party plugins need the built-ins' capability
names, not the capabilities: this manifest gives them, so that the built-in modules —
and the rules, readers, exporters and libraries they import — are imported only when a
command uses one of their capabilities (see :mod:`pressdocs._registry`).

Each entry lists, in the order the module registers them, the capabilities of its
``register_*`` hooks (kind, name, and a validator's code), and the module's optional
needs: ``requires`` (importable modules), ``requires_tools`` (executables, any one
suffices) and ``install_hint``; a built-in missing one is listed as skipped, with the
reason and the hint.  A built-in module implements only ``register_*`` hooks.

The manifest is checked against the modules twice: ``tests/test_plugins_startup.py``
imports every module and compares what it registers with its entry, and when a
module is imported on first use, what it registers must be what its entry declares
(anything else is a :class:`pressdocs.errors.PluginError`, a bug in pressdocs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pressdocs import _libreoffice as libreoffice
from pressdocs._registry import Declared
from pressdocs.models import Message

__all__ = ["MANIFEST", "BuiltinPlugin"]


@dataclass(frozen=True)
class BuiltinPlugin:
    """One built-in plugin module: what it registers and what it needs to run."""

    registers: tuple[Declared, ...]
    requires: tuple[str, ...] = ()
    requires_tools: tuple[str, ...] = ()
    #: a command (the same in any language) or a message made when shown
    install_hint: str | Callable[[], Message] = ""

    @property
    def hooks(self) -> list[str]:
        """The ``register_*`` hooks the module implements, sorted (as pluggy lists them)."""
        return sorted({f"register_{d.kind}s" for d in self.registers})


def _named(kind: str, *names: str) -> tuple[Declared, ...]:
    return tuple(Declared(kind, name) for name in names)


def _validators(*codes: str) -> tuple[Declared, ...]:
    """The built-in rules: each is named by its code."""
    return tuple(Declared("validator", code, code) for code in codes)


#: The built-in plugins, registered in this order (module name → entry).
MANIFEST: dict[str, BuiltinPlugin] = {
    "pressdocs.builtin.parse_docx": BuiltinPlugin(_named("parser", "docx")),
    "pressdocs.builtin.parse_xlsx": BuiltinPlugin(
        _named("parser", "xlsx"), requires=("openpyxl",), install_hint="pip install openpyxl"),
    "pressdocs.builtin.parse_pdf": BuiltinPlugin(
        _named("parser", "pdf"), requires=("pypdf", "pdfplumber"),
        install_hint="pip install pypdf pdfplumber"),
    "pressdocs.builtin.parse_text": BuiltinPlugin(_named("parser", "text", "html")),
    # named here even without the OCR extra: a scan is then said to be one (parse.scan_needs_ocr)
    "pressdocs.builtin.parse_scan": BuiltinPlugin(_named("parser", "scan")),
    "pressdocs.builtin.parse_legacy": BuiltinPlugin(
        _named("parser", "libreoffice"), requires_tools=libreoffice.SOFFICE_CANDIDATES,
        install_hint=libreoffice.install_hint),  # rendered only when LibreOffice is missing
    "pressdocs.builtin.classify": BuiltinPlugin(_named("classifier", "forms")),
    "pressdocs.builtin.rules": BuiltinPlugin(_validators(
        "PD101", "PD102", "PD103", "PD104", "PD105", "PD106",
        "PD201", "PD202", "PD203", "PD204", "PD205", "PD206", "PD207", "PD208",
        "PD301", "PD302", "PD303", "PD304",
        "PD401", "PD402", "PD403", "PD404", "PD405",
        "PD501",
        "PD901", "PD902", "PD903", "PD904", "PD905", "PD906", "PD907", "PD908")),
    "pressdocs.builtin.source_imap": BuiltinPlugin(
        _named("mail_source", "imap"), requires=("imapclient",),
        install_hint="pip install 'IMAPClient>=3.0'"),
    "pressdocs.builtin.source_files": BuiltinPlugin(
        _named("mail_source", "maildir", "mbox", "eml")),
    "pressdocs.builtin.channel_email": BuiltinPlugin(_named("channel", "email")),
    "pressdocs.builtin.channel_outbox": BuiltinPlugin(_named("channel", "outbox")),
    "pressdocs.builtin.channel_sms": BuiltinPlugin(_named("channel", "sms")),
    "pressdocs.builtin.export_html": BuiltinPlugin(_named("exporter", "html")),
    "pressdocs.builtin.export_xlsx": BuiltinPlugin(
        _named("exporter", "xlsx"), requires=("openpyxl",)),
    "pressdocs.builtin.export_rows": BuiltinPlugin(_named("exporter", "csv", "json")),
}
