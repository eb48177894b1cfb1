"""Run LibreOffice (``soffice``) to convert a legacy document into one we can read.

Each conversion runs ``soffice --headless --convert-to`` in a fresh temporary
directory with a private user profile (``-env:UserInstallation=…``): two LibreOffice
processes sharing a profile block each other, and a profile left behind by a crash
must not break the next run.  LibreOffice runs in a process group of its own
(``soffice`` starts ``soffice.bin`` as a child), and that whole group is ended whenever
the conversion does not finish normally: a timeout, Ctrl-C, SIGTERM turned into an
exception by the command line, any error — no LibreOffice process outlives the batch.
Its own temporary files go to a folder inside the conversion's directory
(``TMPDIR``), so removing that directory removes everything the conversion made.
LibreOffice sometimes exits 0 without writing anything (an encrypted or unreadable
input), so the output file is checked, not the exit code.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pressdocs.errors import ParseError, UnsupportedFormat
from pressdocs.models import Message

__all__ = [
    "DEFAULT_TIMEOUT",
    "SOFFICE_CANDIDATES",
    "convert",
    "find_soffice",
    "install_hint",
]

#: Seconds a single conversion may take.
DEFAULT_TIMEOUT = 120.0

#: Environment variable naming the soffice executable, for installs off the PATH.
SOFFICE_ENV = "PRESSDOCS_SOFFICE"

#: How to install LibreOffice (rendered when first asked for, in both languages).
def install_hint() -> Message:
    return Message.of("libreoffice.install_hint")

_KNOWN_PATHS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)

#: Executables tried, in order: $PRESSDOCS_SOFFICE, then names on the PATH, then the
#: usual install locations.  Any one suffices.
SOFFICE_CANDIDATES: tuple[str, ...] = tuple(
    c for c in (os.environ.get(SOFFICE_ENV, ""), "soffice", "libreoffice", *_KNOWN_PATHS) if c
)


def find_soffice() -> str | None:
    """The path of the LibreOffice executable, or ``None`` when it is not installed."""
    for candidate in SOFFICE_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def convert(
    data: bytes,
    *,
    suffix: str,
    target: str,
    name: str = "",
    timeout: float = DEFAULT_TIMEOUT,
    soffice: str | None = None,
) -> bytes:
    """Convert ``data`` with LibreOffice and return the converted file's bytes.

    ``suffix`` is the input's extension (".doc"), chosen from its sniffed type: it
    decides how LibreOffice reads the file.  ``target`` is what ``--convert-to`` takes
    ("docx", "xlsx", or "ext:Filter Name").  ``name`` is the file name as sent, used
    only in error messages.  Raises :class:`UnsupportedFormat` when LibreOffice is not
    installed and :class:`ParseError` when the conversion fails or times out.
    """
    executable = soffice or find_soffice()
    if executable is None:
        raise UnsupportedFormat.of("libreoffice.not_installed", file=name or None, suffix=suffix,
                                   hint=install_hint())
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="pressdocs-soffice-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        outdir = work / "out"
        command = [
            executable, "--headless", "--norestore", "--nolockcheck", "--nologo",
            "--nodefault", f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to", target, "--outdir", str(outdir), str(source),
        ]
        scratch = work / "tmp"
        scratch.mkdir()
        _run(command, timeout, name, env={**os.environ, "TMPDIR": str(scratch),
                                          "TMP": str(scratch), "TEMP": str(scratch)})
        result = outdir / f"input.{extension}"
        if not result.is_file() or result.stat().st_size == 0:
            raise ParseError.of("libreoffice.failed", file=name or None)
        return result.read_bytes()


def _run(command: list[str], timeout: float, name: str, *,
         env: dict[str, str] | None = None) -> None:
    posix = os.name == "posix"
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=posix, env=env,
    )
    try:
        process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end(process, posix)
        raise ParseError.of("libreoffice.timeout", file=name or None, seconds=timeout) from None
    except BaseException:  # Ctrl-C, SIGTERM, anything: LibreOffice ends with us
        _end(process, posix)
        raise


def _end(process: subprocess.Popen[bytes], posix: bool) -> None:
    """Kill the conversion's whole process group and reap ``soffice``."""
    if posix:
        _kill_group(process.pid)
    else:
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, ValueError, OSError):
        process.communicate(timeout=10)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
