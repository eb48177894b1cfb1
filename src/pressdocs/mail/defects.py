"""What can be wrong with a message, as :class:`pressdocs.Message` notes (``[mail.defect]``).

A defect is kept whole: its catalogue key says which kind it is (``mail.defect.truncated``,
``mail.defect.no_message_id`` …), its parameters the facts (a file name, a charset), and
both languages are rendered from the catalogues.  Rules decide by the key, never by the
wording: :func:`is_harmless` tells the notes that cost the office nothing from those that
mean a file may be missing or incomplete.

A defect of a forwarded message comes wrapped in ``mail.defect.forwarded``, with the
forwarded message's subject and the inner defect (a nested message) as parameters; it is
as harmless as the defect it wraps.
"""

from __future__ import annotations

import email.errors
from collections.abc import Mapping
from typing import Any

from pressdocs.models import Message

__all__ = ["FORWARDED", "HARMLESS_DEFECTS", "STDLIB_DEFECTS", "is_harmless", "stdlib_defect"]

#: The key of a defect of a forwarded message: ``params["defect"]`` is the inner defect.
FORWARDED = "mail.defect.forwarded"

#: Defects that cost the office nothing: without a Message-ID a resent message is still
#: recognised by its content; a charset label that was wrong still decoded cleanly.
HARMLESS_DEFECTS: frozenset[str] = frozenset({
    "mail.defect.no_message_id",
    "mail.defect.charset_mislabelled",
})

# The stdlib parser's defects (email.errors), first match wins.
_STDLIB: tuple[tuple[type[email.errors.MessageDefect], str], ...] = (
    (email.errors.NoBoundaryInMultipartDefect, "mail.defect.no_boundary"),
    (email.errors.StartBoundaryNotFoundDefect, "mail.defect.boundary_not_found"),
    (email.errors.CloseBoundaryNotFoundDefect, "mail.defect.truncated"),
    (email.errors.FirstHeaderLineIsContinuationDefect, "mail.defect.continuation_first"),
    (email.errors.MisplacedEnvelopeHeaderDefect, "mail.defect.misplaced_envelope"),
    (email.errors.MissingHeaderBodySeparatorDefect, "mail.defect.no_header_separator"),
    (email.errors.MultipartInvariantViolationDefect, "mail.defect.multipart_single_part"),
    (email.errors.InvalidMultipartContentTransferEncodingDefect,
     "mail.defect.multipart_encoding"),
    (email.errors.InvalidBase64PaddingDefect, "mail.defect.base64_padding"),
    (email.errors.InvalidBase64CharactersDefect, "mail.defect.base64_characters"),
    (email.errors.InvalidBase64LengthDefect, "mail.defect.base64_length"),
)

#: The stdlib defect classes pressdocs names in its own words (the rest: ``mail.defect.other``).
STDLIB_DEFECTS: tuple[type[email.errors.MessageDefect], ...] = tuple(c for c, _ in _STDLIB)


def stdlib_defect(found: email.errors.MessageDefect) -> Message:
    """The note for a defect the stdlib parser found (``mail.defect.other`` names its class)."""
    for cls, key in _STDLIB:
        if isinstance(found, cls):
            return Message.of(key)
    return Message.of("mail.defect.other", kind=type(found).__name__)


def is_harmless(defect: Message) -> bool:
    """Whether ``defect`` costs the office nothing (its key is in :data:`HARMLESS_DEFECTS`).

    A forwarded message's defect is judged by the defect it wraps.
    """
    key, params = defect.key, defect.params
    while key == FORWARDED:
        inner: Any = params.get("defect")
        if isinstance(inner, Message):
            key, params = inner.key, inner.params
        elif isinstance(inner, Mapping):
            key, params = str(inner.get("key", "")), inner.get("params") or {}
        else:
            return False
    return key in HARMLESS_DEFECTS
