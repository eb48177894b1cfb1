"""附件2 read back: the registration form, filled in, through every format units send.

Generate → fill (pressdocs.forms) → optionally convert with LibreOffice (.doc, .pdf,
.odt → .docx) → read (pressdocs._reading) → the same data.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from pressdocs import Config, DocumentKind, Registration, load_plugins
from pressdocs._reading import read_document
from pressdocs.capabilities import Content
from pressdocs.extract.registration import extract_registration
from pressdocs.forms import write_registration_form
from strategies import registrations

TZ = ZoneInfo("Asia/Shanghai")
PLUGINS = load_plugins(entry_points=False)
CONFIG = Config()
HAS_SOFFICE = shutil.which("soffice") is not None


def _comparable(reg: Registration) -> Registration:
    """What a paper form can hold: text as written, the time as its text says."""
    return replace(reg, time_text=reg.time_text.strip())


def _read(data: bytes, name: str, year: int | None = None) -> Registration:
    received = datetime(year, 1, 1, tzinfo=TZ) if year else None
    result = read_document(data, name, plugins=PLUGINS, config=CONFIG, received=received)
    assert result.error is None, result.error
    assert result.kind is DocumentKind.REGISTRATION, result.classification
    assert isinstance(result.data, Registration)
    return result.data


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registrations())
def test_filled_docx_reads_back_exactly(tmp_path_factory: pytest.TempPathFactory,
                                        reg: Registration) -> None:
    path = write_registration_form(tmp_path_factory.mktemp("reg") / "登记表.docx", reg)
    got = _read(path.read_bytes(), path.name, reg.time.year if reg.time else None)
    assert got == _comparable(reg)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Registration, Path]:
    reg = Registration(
        title="2021年一季度全市经济运行情况新闻发布会", organiser="市统计局",
        content="通报一季度全市经济运行情况（详见附件）",
        time=datetime(2021, 4, 15, 9, 30, tzinfo=TZ), time_text="2021年4月15日上午9:30",
        venue="市政府新闻发布厅", guests=["市政府副秘书长王喆", "市发改委主任李镕"],
        media=["芜湖日报", "大江晚报", "芜湖广播电视台"], approval_opinion="同意召开。",
        approval_date=datetime(2021, 4, 9).date(), remarks="视频资料以超大附件形式发送",
        filing_unit="市统计局", filing_date=datetime(2021, 4, 10).date())
    reg.person_in_charge.name = "张三"
    reg.person_in_charge.phone = "0553-3831234转801"
    reg.person_in_charge.position = "办公室主任"
    path = write_registration_form(tmp_path_factory.mktemp("filled") / "登记表.docx", reg)
    return reg, path


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed (scripts/setup does)")
@pytest.mark.parametrize("target", ["doc", "odt", "pdf"])
def test_libreoffice_conversions_read_back(filled: tuple[Registration, Path],
                                           target: str) -> None:
    from pressdocs._libreoffice import convert

    reg, path = filled
    converted = convert(path.read_bytes(), suffix=".docx", target=target, name=path.name)
    if target == "odt":  # a unit on WPS/LibreOffice saves .odt, then "save as .docx"
        converted = convert(converted, suffix=".odt", target="docx", name="登记表.odt")
        target = "docx"
    assert _read(converted, f"登记表.{target}") == _comparable(reg)


def test_label_spread_over_lines_in_a_table_cell() -> None:
    content = Content("text/plain", tables=[[["举 办\n单 位", "市财政局"],
                                             ["新闻发布会\n全称", "预算绩效管理推进情况新闻发布会"]]])
    reg, _ = extract_registration(content, tz=TZ)
    assert (reg.organiser, reg.title) == ("市财政局", "预算绩效管理推进情况新闻发布会")


@pytest.mark.parametrize(("text", "field", "expected"), [
    ("举 办 单 位：市财政局", "organiser", "市财政局"),
    ("举办单位:市财政局", "organiser", "市财政局"),
    ("新闻发布会全称：关于《芜湖市养犬管理条例实施办法》的解读", "title",
     "关于《芜湖市养犬管理条例实施办法》的解读"),
    ("拟邀请新闻单位名单：芜湖日报，大江晚报；芜湖广播电视台", "media",
     ["芜湖日报", "大江晚报", "芜湖广播电视台"]),
])
def test_labels_as_people_write_them(text: str, field: str, expected: object) -> None:
    reg, _ = extract_registration(Content("text/plain", paragraphs=[text, "举办地点：市政府新闻发布厅"]),
                                  tz=TZ)
    assert getattr(reg, field) == expected


def test_person_in_charge_in_one_cell_is_split() -> None:
    content = Content("text/plain", tables=[[["负责人", "张三 13905531234 办公室主任"],
                                             ["举办单位", "市统计局"]]])
    reg, _ = extract_registration(content, tz=TZ)
    person = reg.person_in_charge
    assert (person.name, person.phone, person.position) == ("张三", "13905531234", "办公室主任")


def test_email_body_registration() -> None:
    body = ("各位领导好：\n新闻发布会全称：全市垃圾分类工作新闻发布会\n举办单位：市城管局\n"
            "负责人：李四，0553-3831234，科长\n举办时间：6月18日下午3点\n举办地点：市政府新闻发布厅\n")
    result = read_document(body.encode("gb18030"), "邮件正文.txt", plugins=PLUGINS,
                           config=CONFIG, received=datetime(2021, 6, 10, tzinfo=TZ))
    assert result.kind is DocumentKind.REGISTRATION
    reg = result.data
    assert isinstance(reg, Registration)
    assert reg.time == datetime(2021, 6, 18, 15, 0, tzinfo=TZ)
    assert reg.person_in_charge.phone == "0553-3831234"


@pytest.mark.parametrize(("filed", "written", "expected"), [
    ("2017年12月31日", "1月1日上午8时", datetime(2018, 1, 1, 8, 0, tzinfo=TZ)),  # next year
    ("2018年1月2日", "12月28日上午9时", datetime(2017, 12, 28, 9, 0, tzinfo=TZ)),  # late
    ("2021年4月12日", "4月20日上午9:30", datetime(2021, 4, 20, 9, 30, tzinfo=TZ)),
])
def test_a_day_without_its_year_is_the_one_nearest_the_filing_date(
        filed: str, written: str, expected: datetime) -> None:
    content = Content("text/plain", paragraphs=["新闻发布会全称：测试", "举办单位：市统计局",
                                                f"填表时间：{filed}", f"举办时间：{written}"])
    reg, _ = extract_registration(content, tz=TZ)
    assert reg.time == expected


def test_impossible_date_is_a_warning_not_a_value() -> None:
    content = Content("text/plain", paragraphs=["新闻发布会全称：测试", "举办单位：市统计局",
                                                "举办时间：2021年2月30日上午9:30"])
    reg, warnings = extract_registration(content, tz=TZ)
    assert reg.time is None and reg.time_text == "2021年2月30日上午9:30"
    assert any("2021年2月30日不是有效日期" in w.zh for w in warnings)


@pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed (scripts/setup does)")
@settings(max_examples=4, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(reg=registrations())
@pytest.mark.parametrize("target", ["doc", "pdf"])
def test_generated_forms_survive_libreoffice(tmp_path: Path, target: str,
                                              reg: Registration) -> None:
    """Arbitrary realistic forms, converted by a program nobody here wrote, read back."""
    from pressdocs._libreoffice import convert

    path = write_registration_form(tmp_path / "登记表.docx", reg)
    converted = convert(path.read_bytes(), suffix=".docx", target=target, name=path.name)
    got = _read(converted, f"登记表.{target}", reg.time.year if reg.time else None)
    expected = _comparable(reg)
    if target == "pdf":
        # pypdf's text extraction moves spaces and quotation marks ("“ ”优化营商环境 专项…",
        # "6 　日16:30"): text is compared without them; times, dates and every other
        # field must still be exact.
        got, expected = _without_spacing(got), _without_spacing(expected)
    assert got == expected


def _without_spacing(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"[\s“”‘’\"']", "", value)
    if isinstance(value, list):
        return [_without_spacing(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _without_spacing(getattr(value, f.name))
                                            for f in dataclasses.fields(value)})
    return value
