"""Phone numbers on forms: mobiles, landlines with their area code, extensions.

The registration form asks for the person in charge's 电话.  People write
``13905531234``, ``139 0553 1234``, ``+86 139…``, ``0553-3831234``, ``(0553)3831234``,
``（０５５３）３８３１２３４`` or ``0553-3831234转801``.  Validation is Google's
``phonenumbers`` with region CN; what it cannot take (the extension marker 转, a city's
local number written without its area code) is handled here first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from pressdocs.text.normalize import strip_invisible, to_halfwidth

if TYPE_CHECKING:
    import phonenumbers

__all__ = ["Phone", "PhoneKind", "find_phones", "is_valid_phone", "parse_phone"]

PhoneKind = Literal["mobile", "landline", "service"]

_REGION = "CN"


@cache
def _kinds() -> dict[int, PhoneKind]:
    # phonenumbers carries its metadata tables: imported on first use, not at start-up
    import phonenumbers

    return {
        phonenumbers.PhoneNumberType.MOBILE: "mobile",
        phonenumbers.PhoneNumberType.FIXED_LINE: "landline",
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline",
        phonenumbers.PhoneNumberType.TOLL_FREE: "service",
        phonenumbers.PhoneNumberType.SHARED_COST: "service",
        phonenumbers.PhoneNumberType.UAN: "service",
    }

_EXTENSION_MARKER = r"(?:转|轉|分机|ext\.?|x|#)"
_EXTENSION_RE = re.compile(rf"\s*-?\s*{_EXTENSION_MARKER}\s*(?P<ext>\d{{1,6}})\s*$", re.IGNORECASE)
_DASH_EXTENSION_RE = re.compile(r"\s*-\s*(?P<ext>\d{1,5})\s*$")
_EXTENSION_AFTER_RE = re.compile(
    rf"\s*-?\s*{_EXTENSION_MARKER}\s*(?P<ext>\d{{1,6}})(?!\d)", re.IGNORECASE
)
_LOCAL_NUMBER_RE = re.compile(r"[2-9]\d{6,7}")
_AREA_CODE_RE = re.compile(r"0\d{2,3}")


@dataclass(frozen=True)
class Phone:
    """A phone number that ``phonenumbers`` accepts as a Chinese (or international) number."""

    e164: str
    """The number in E.164, ``+865533831234``: compare and store by this."""
    kind: PhoneKind
    """``mobile`` (手机), ``landline`` (座机) or ``service`` (400/800 hotlines)."""
    extension: str | None
    """The extension (分机) after 转, if any."""
    display: str
    """As Chinese offices write it: ``13905531234``, ``0553-3831234``, ``0553-3831234转801``."""


def parse_phone(s: str, area_code: str | None = None) -> Phone | None:
    """Read ``s`` as one phone number, or return ``None`` if it is not a valid one.

    ``area_code`` (the city's, "0553"; configuration, never guessed) completes a landline
    written without it ("3831234").  Full-width digits, brackets, spaces, dashes, "+86" and
    an extension after 转, 分机, ext or a last dash are accepted.

    Raises:
        ValueError: ``area_code`` is not a Chinese area code (0 and 2-3 digits).
    """
    if area_code is not None and not _AREA_CODE_RE.fullmatch(area_code):
        raise ValueError(f"区号“{area_code}”无效，应为0开头的3至4位数字，如0553")
    text = to_halfwidth(strip_invisible(s)).strip()
    candidates: list[tuple[str, str | None]] = [(text, None)]
    marked = _EXTENSION_RE.search(text)
    dashed = _DASH_EXTENSION_RE.search(text)
    if marked:
        candidates = [(text[: marked.start()], marked.group("ext"))]
    elif dashed:
        # "0553-3831234-801": the whole is tried first, since dashes also group digits.
        candidates.append((text[: dashed.start()], dashed.group("ext")))
    for number, extension in candidates:
        phone = _parse_number(number, extension, area_code)
        if phone is not None:
            return phone
    return None


def is_valid_phone(s: str, area_code: str | None = None) -> bool:
    """True when ``s`` is one valid phone number (see :func:`parse_phone`)."""
    return parse_phone(s, area_code) is not None


def find_phones(text: str) -> list[Phone]:
    """Every valid phone number in a free text, in order, without repeats.

    Finds numbers glued to Chinese ("张三13905531234办公室主任") and an extension written
    right after a number ("0553-3831234转801").
    """
    import phonenumbers

    normalized = to_halfwidth(strip_invisible(text))
    phones: list[Phone] = []
    for match in phonenumbers.PhoneNumberMatcher(normalized, _REGION):
        extension = _EXTENSION_AFTER_RE.match(normalized, match.end)
        ext = extension.group("ext") if extension else match.number.extension
        phone = _to_phone(match.number, ext)
        if phone is not None and phone not in phones:
            phones.append(phone)
    return phones


def _parse_number(number: str, extension: str | None, area_code: str | None) -> Phone | None:
    import phonenumbers

    digits_only = re.sub(r"[\s-]", "", number)
    if area_code and _LOCAL_NUMBER_RE.fullmatch(digits_only):
        number = area_code + digits_only
    try:
        parsed = phonenumbers.parse(number, _REGION)
    except phonenumbers.NumberParseException:
        return None
    return _to_phone(parsed, extension or parsed.extension)


def _to_phone(parsed: phonenumbers.PhoneNumber, extension: str | None) -> Phone | None:
    import phonenumbers

    if not phonenumbers.is_valid_number(parsed):
        return None
    kind = _kinds().get(phonenumbers.number_type(parsed))
    if kind is None:
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    display = _display(parsed, kind)
    if extension:
        display += f"转{extension}"
    return Phone(e164=e164, kind=kind, extension=extension or None, display=display)


def _display(parsed: phonenumbers.PhoneNumber, kind: PhoneKind) -> str:
    import phonenumbers

    national = phonenumbers.national_significant_number(parsed)
    if parsed.country_code != 86:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if kind != "landline":
        return national if kind == "mobile" else _service_display(national)
    area_length = phonenumbers.length_of_geographical_area_code(parsed)
    if area_length == 0:
        return "0" + national
    return f"0{national[:area_length]}-{national[area_length:]}"


def _service_display(national: str) -> str:
    """400/800 hotlines are written in three groups: 400-888-8888."""
    if len(national) == 10:
        return f"{national[:3]}-{national[3:6]}-{national[6:]}"
    return national
