"""Phone numbers as people write them on the registration form."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pressdocs.text import Phone, find_phones, is_valid_phone, parse_phone

WUHU_LANDLINE = Phone(e164="+865533831234", kind="landline", extension=None, display="0553-3831234")
MOBILE = Phone(e164="+8613905531234", kind="mobile", extension=None, display="13905531234")


@pytest.mark.parametrize(
    "written",
    [
        "0553-3831234",
        "0553 3831234",
        "05533831234",
        "(0553)3831234",
        "（0553）3831234",
        "（０５５３）３８３１２３４",
        "０５５３－３８３１２３４",
        "+86 553 3831234",
        "电话：0553-3831234",
        " 0553-3831234\u200b ",
    ],
)
def test_landline(written: str) -> None:
    assert parse_phone(written) == WUHU_LANDLINE


@pytest.mark.parametrize(
    "written",
    [
        "13905531234",
        "139 0553 1234",
        "139-0553-1234",
        "+86 139 0553 1234",
        "+8613905531234",
        "8613905531234",
        "１３９０５５３１２３４",
        "手机13905531234",
    ],
)
def test_mobile(written: str) -> None:
    assert parse_phone(written) == MOBILE


@pytest.mark.parametrize(
    "written",
    [
        "0553-3831234转801",
        "0553-3831234-转801",
        "0553-3831234 转 801",
        "0553-3831234分机801",
        "0553-3831234 ext. 801",
        "0553-3831234-801",
        "（０５５３）３８３１２３４转８０１",
    ],
)
def test_extension_is_split_off(written: str) -> None:
    phone = parse_phone(written)
    assert phone == Phone(
        e164="+865533831234", kind="landline", extension="801", display="0553-3831234转801"
    )


def test_other_area_codes_display_with_their_own_length() -> None:
    beijing = parse_phone("010-12345678")
    assert beijing is not None
    assert beijing.display == "010-12345678"
    assert beijing.kind == "landline"


def test_service_hotline() -> None:
    phone = parse_phone("400-888-8888")
    assert phone is not None
    assert (phone.kind, phone.display) == ("service", "400-888-8888")


def test_local_number_needs_the_configured_area_code() -> None:
    assert parse_phone("3831234") is None
    assert parse_phone("3831234", area_code="0553") == WUHU_LANDLINE
    assert parse_phone("383 1234转801", area_code="0553") == Phone(
        e164="+865533831234", kind="landline", extension="801", display="0553-3831234转801"
    )
    assert parse_phone("13905531234", area_code="0553") == MOBILE


def test_bad_area_code_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="区号“553”无效"):
        parse_phone("3831234", area_code="553")


@pytest.mark.parametrize(
    "written",
    [
        "",
        "无",
        "12345",
        "1390553123",
        "139055312345",
        "12905531234",
        "0553-383123",
        "13905531234、13905531235",
        "whxwtg@163.com",
        "2021年6月30日",
    ],
)
def test_invalid(written: str) -> None:
    assert parse_phone(written) is None
    assert not is_valid_phone(written)


def test_is_valid_phone() -> None:
    assert is_valid_phone("13905531234")
    assert is_valid_phone("0553-3831234转801")
    assert not is_valid_phone("1234567")


def test_find_phones_in_free_text() -> None:
    text = (
        "负责人：张三13905531234办公室主任；电话 0553-3831234转801，"
        "传真（０５５３）３８３１２３５。2021-06-30 20210630 再次：13905531234"
    )
    assert find_phones(text) == [
        MOBILE,
        Phone("+865533831234", "landline", "801", "0553-3831234转801"),
        Phone("+865533831235", "landline", None, "0553-3831235"),
    ]


def test_find_phones_with_none() -> None:
    assert find_phones("填报单位：市统计局 填表时间：2021年6月30日 1200字") == []


@given(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_written_form_of_a_mobile_agrees(second: str, rest: str) -> None:
    number = "1" + second + rest
    phone = parse_phone(number)
    assume(phone is not None)  # a prefix not (yet) allocated: phonenumbers knows the plan
    assert phone is not None
    assert phone.kind == "mobile"
    assert phone.display == number
    spaced = f"{number[:3]} {number[3:7]} {number[7:]}"
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in number)
    for written in (
        spaced,
        f"+86{number}",
        f"+86-{number[:3]}-{number[3:7]}-{number[7:]}",
        fullwidth,
    ):
        assert parse_phone(written) == phone
    assert find_phones(f"联系人张三{number}，谢谢") == [phone]


@given(st.sampled_from("2345678"), st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_every_written_form_of_a_wuhu_landline_agrees(first: str, rest: str) -> None:
    local = first + rest
    phone = parse_phone(f"0553-{local}")
    assert phone is not None
    assert phone.display == f"0553-{local}"
    for written in (f"(0553){local}", f"（0553）{local}", f"0553 {local}", f"0553{local}"):
        assert parse_phone(written) == phone
    assert parse_phone(local, area_code="0553") == phone
    with_extension = parse_phone(f"0553-{local}转12")
    assert with_extension is not None
    assert (with_extension.e164, with_extension.extension) == (phone.e164, "12")
