"""Mail intake: decoding what Chinese mail clients send (主题, 发件人, 附件名), parsing
messages into parts (and saying what is wrong with one: :mod:`pressdocs.mail.defects`), and
finding files sent as download links (超大附件, 中转站)."""

from pressdocs.mail.defects import HARMLESS_DEFECTS, is_harmless
from pressdocs.mail.headers import (
    DecodedHeader,
    attachment_filename,
    decode_address,
    decode_bytes,
    decode_header,
)
from pressdocs.mail.links import find_linked_files
from pressdocs.mail.message import MailPart, ParsedMessage, parse_message

__all__ = [
    "HARMLESS_DEFECTS",
    "DecodedHeader",
    "MailPart",
    "ParsedMessage",
    "attachment_filename",
    "decode_address",
    "decode_bytes",
    "decode_header",
    "find_linked_files",
    "is_harmless",
    "parse_message",
]
