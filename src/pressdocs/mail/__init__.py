"""Mail intake: decoding what Chinese mail clients send (主题, 发件人, 附件名), parsing
messages into parts, and finding files sent as download links (超大附件, 中转站)."""

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
    "DecodedHeader",
    "MailPart",
    "ParsedMessage",
    "attachment_filename",
    "decode_address",
    "decode_bytes",
    "decode_header",
    "find_linked_files",
    "parse_message",
]
