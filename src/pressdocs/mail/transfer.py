"""Transfer decoding piece by piece: base64 and quoted-printable as they stream past.

Each decoder's output, fed a part's content in pieces of any size, equals what
:mod:`pressdocs.mail.message` makes of the whole content at once — including its
leniency with base64 as broken mailers write it (junk characters dropped, a run closed
by ``=`` padding decoded on its own, a cut-off last run noted in ``complete``).
"""

from __future__ import annotations

import binascii

__all__ = ["UUENCODE", "Base64Decoder", "Decoder", "QuotedPrintableDecoder", "decoder_for"]

_B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
_B64_JUNK = bytes(sorted(set(range(256)) - set(_B64_ALPHABET)))
_LONG_LINE = 64 * 1024

#: Transfer encodings only decodable whole (``parse_message`` leaves them to the stdlib).
UUENCODE = ("x-uuencode", "uuencode", "x-uue", "uue")


class Decoder:
    """Identity: 7bit, 8bit, binary, and encodings nobody decodes (as parse_message does).

    ``feed`` returns the decoded bytes it can already give; ``finish`` the rest.
    """

    complete = True

    def feed(self, data: bytes) -> bytes:
        return data

    def finish(self) -> bytes:
        return b""


class Base64Decoder(Decoder):
    """Base64, decoded as parse_message decodes it; ``complete`` is False when a run was
    cut short (its length not a whole number of 4-character groups)."""

    def __init__(self) -> None:
        self._pending = b""
        self.complete = True

    def feed(self, data: bytes) -> bytes:
        text = self._pending + data.translate(None, _B64_JUNK)
        out: list[bytes] = []
        while (eq := text.find(b"=")) != -1:
            out.append(self._run(text[:eq], padded=True))
            end = eq
            while end < len(text) and text[end] == 0x3D:
                end += 1
            text = text[end:]
        whole = len(text) - len(text) % 4
        out.append(binascii.a2b_base64(text[:whole]))
        self._pending = text[whole:]
        return b"".join(out)

    def _run(self, body: bytes, *, padded: bool) -> bytes:
        if len(body) % 4 == 1:
            body = body[:-1]
            self.complete = False
        elif len(body) % 4 and not padded:
            self.complete = False
        return binascii.a2b_base64(body + b"=" * (-len(body) % 4))

    def finish(self) -> bytes:
        rest, self._pending = self._pending, b""
        return self._run(rest, padded=False)


class QuotedPrintableDecoder(Decoder):
    """Quoted-printable, decoded whole lines at a time (``binascii.a2b_qp``)."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        text = self._pending + data
        cut = text.rfind(b"\n") + 1
        if cut == 0 and len(text) > _LONG_LINE:  # one endless line: cut clear of an escape
            cut = len(text) - 3
            while cut > 2 and b"=" in text[cut - 2 : cut]:
                cut -= 1
            if cut <= 2:
                cut = 0
        self._pending = text[cut:]
        return binascii.a2b_qp(text[:cut])

    def finish(self) -> bytes:
        rest, self._pending = self._pending, b""
        return binascii.a2b_qp(rest)


def decoder_for(encoding: str) -> Decoder:
    """The decoder for a Content-Transfer-Encoding (stripped, lower case)."""
    if encoding == "base64":
        return Base64Decoder()
    if encoding == "quoted-printable":
        return QuotedPrintableDecoder()
    return Decoder()
