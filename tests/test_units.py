"""The unit directory (单位名录) and the one comparison of unit names (issue 10, section 2).

The notice's plan writes units short (市人社局), units sign in full (芜湖市人力资源和社会保障局),
senders write anything in between (人社局, 市人社局办公室).  The directory shipped with
pressdocs knows a city's departments by all those names; ``pressdocs.toml`` extends it;
and every comparison of unit names — the intake, the rules, plan status and the
reports — goes through it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cli_support import invoke, json_of
from conftest import SEED
from pressdocs import Pressdocs, load_config
from pressdocs._reports import annual_report, plan_report
from pressdocs.config import Config
from pressdocs.models import (
    Person,
    Plan,
    PlanItem,
    StatisticsReport,
    StatisticsRow,
    Submission,
    SubmissionKind,
)
from pressdocs.rules.heads import Appearance, heads_without_conference
from pressdocs.rules.ledger import earlier_submissions
from pressdocs.rules.matching import same_unit, unit_key
from pressdocs.rules.statistics import RegisteredVersusReported
from pressdocs.store import Store, open_store
from rules_support import at, check, registration, submission


@pytest.fixture(scope="module")
def seed_plan() -> Plan:
    """The seed notice's 附件1, read as the app reads it."""
    plan = Pressdocs(load_entry_points=False).read(SEED).data
    assert isinstance(plan, Plan) and len(plan.items) == 74
    return plan


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store") as opened:
        yield opened


# --- the shipped directory ----------------------------------------------------------------

def test_every_unit_named_in_the_seed_plan_resolves(seed_plan: Plan) -> None:
    directory = Config().directory
    named = sorted({u for item in seed_plan.items for u in item.units})
    assert len(named) == 30
    unknown = [u for u in named if directory.resolve(u) is None]
    assert unknown == []
    # and each is recorded by the name the plan writes (市人社局, not 人力资源和社会保障局)
    assert {u: directory.key(u) for u in named} == {u: u for u in named}


#: The plan's short names and how the units sign (the issue's examples and more).
FULL_NAMES = {
    "芜湖市市场监督管理局": "市市场监管局",
    "芜湖市人力资源和社会保障局": "市人社局",
    "芜湖市卫生健康委员会": "市卫健委",
    "芜湖市住房和城乡建设局": "市住建局",
    "芜湖市医疗保障局": "市医保局",
    "芜湖市文化和旅游局": "市文旅局",
    "芜湖市发展和改革委员会": "市发改委",
    "芜湖市经济和信息化局": "市经信局",
    "芜湖市自然资源和规划局": "市自然资源和规划局",
    "芜湖市公共资源交易监督管理局": "市公管局",
    "芜湖市地方金融监督管理局": "市地方金融监管局",
    "芜湖市扶贫开发办公室": "市扶贫办",
    "芜湖市城市管理局": "市城管局",
    "芜湖市重点工程建设管理处": "市重点处",
    "芜湖市科学技术局": "市科技局",
}


@pytest.mark.parametrize(("full", "short"), FULL_NAMES.items())
def test_a_full_name_is_the_plans_short_name(full: str, short: str) -> None:
    found = Config().directory.resolve(full)
    assert found is not None and found.unit.name == short
    assert found.entry.full_name == full


@pytest.mark.parametrize("written", [
    "市人社局", "人社局", "芜湖市人社局", "芜湖人社局", "芜湖市人力资源社会保障局",
    " 芜湖市 人力资源和社会保障局（盖章）", "市人社局办公室", "芜湖市人力资源和社会保障局新闻科",
    "３６５bet官网注册_o365邮箱_365bet官方网址市人力资源和社会保障局",
    "365bet官网注册_o365邮箱_365bet官方网址市人力资源和社会保障局",
])
def test_names_units_write_are_one_unit(written: str) -> None:
    assert Config().directory.key(written) == "市人社局"
    assert same_unit(written, "芜湖市人力资源和社会保障局")


def test_the_steps_of_a_resolution_are_recorded() -> None:
    found = Config().directory.resolve(
        "365bet官网注册_o365邮箱_365bet官方网址市人力资源和社会保障局办公室")
    assert found is not None and found.unit.name == "市人社局"
    assert [step.key for step in found.steps] == [
        "units.step_spam", "units.step_city", "units.step_office"]
    assert found.by == "name" and found.compared == "人力资源和社会保障局"


@pytest.mark.parametrize(("written", "recorded"), [
    ("南陵县人民政府", "南陵县人民政府"),
    ("南陵县政府", "南陵县人民政府"),
    ("鸠江区政府办", "鸠江区人民政府办公室"),
    ("无为市人民政府", "无为市人民政府"),  # a county-level city is not the city itself
    ("三山经开区管理委员会", "三山经开区管委会"),
    ("芜湖市人民政府", "市政府"),
    ("芜湖市人民政府办公室", "市政府办"),
])
def test_counties_and_zones_by_their_naming_patterns(written: str, recorded: str) -> None:
    assert Config().directory.key(written) == recorded


def test_different_units_stay_apart() -> None:
    directory = Config().directory
    assert not directory.same("市财政局", "市农业农村局")
    assert not directory.same("南陵县人民政府", "无为市人民政府")
    assert not directory.same("市政府", "市政府办")
    assert not directory.same("", "")


def test_a_name_the_directory_does_not_know() -> None:
    directory = Config().directory
    assert directory.resolve("某某科技有限公司") is None
    # compared by the name without the city: the same unit however the city is written
    assert unit_key("芜湖市轨道交通建设指挥部") == "轨道交通建设指挥部"
    assert same_unit("芜湖市轨道交通建设指挥部", "市轨道交通建设指挥部")


def test_another_city_makes_its_own_full_names() -> None:
    directory = Config(city="马鞍山市").directory
    found = directory.resolve("马鞍山市人力资源和社会保障局")
    assert found is not None and found.unit.name == "市人社局"
    assert found.entry.full_name == "马鞍山市人力资源和社会保障局"


# --- extended and overridden in pressdocs.toml -------------------------------------------------

def test_pressdocs_toml_extends_overrides_and_adds(tmp_path: Path) -> None:
    path = tmp_path / "pressdocs.toml"
    path.write_text('''
[units."市财政局"]
emails = ["CZJ@wuhu.gov.cn"]
aliases = ["财政"]

[units."市城管执法局"]
aliases = ["城市管理局"]

[units."市轨道交通建设指挥部"]
emails = ["gdjs@wuhu.gov.cn"]
aliases = ["轨道办"]
''', encoding="utf-8")
    config = load_config(path)
    directory = config.directory
    # extended: the shipped unit, with the office's address and alias
    finance = directory.find("芜湖市财政局")
    assert finance is not None and finance.emails == ["CZJ@wuhu.gov.cn"]
    assert directory.find("财政") is finance and directory.by_email("czj@wuhu.gov.cn") is finance
    # overridden: the shipped 城市管理局 is recorded by the office's name
    assert directory.key("芜湖市城市管理局") == "市城管执法局"
    assert directory.key("市城管局") == "市城管执法局"
    # added: a unit the shipped directory does not have
    assert directory.key("芜湖市轨道交通建设指挥部") == "市轨道交通建设指挥部"
    assert directory.key("轨道办") == "市轨道交通建设指挥部"
    origins = {e.unit.name: e.origin for e in directory.entries}
    assert (origins["市财政局"], origins["市城管执法局"], origins["市轨道交通建设指挥部"]) == (
        "builtin+config", "builtin+config", "config")
    assert "市城管局" not in origins  # one entry per unit


# --- pressdocs units ----------------------------------------------------------------------

def test_pressdocs_units_lists_the_directory() -> None:
    result = invoke(["units"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "单位名录（芜湖市" in result.output
    for short, full in (("市人社局", "芜湖市人力资源和社会保障局"), ("市卫健委", "芜湖市卫生健康委员会")):
        [line] = [line for line in result.output.splitlines() if f" {short} " in line]
        assert full in line
    assert "××人民政府" in result.output
    english = invoke(["units", "--lang", "en"], env={"COLUMNS": "400"})
    assert english.exit_code == 0 and "Unit directory (芜湖市" in english.output


def test_pressdocs_units_json_with_the_offices_tables(tmp_path: Path) -> None:
    (tmp_path / "pressdocs.toml").write_text(
        '[units."市财政局"]\nemails = ["czj@wuhu.gov.cn"]\n', encoding="utf-8")
    listed = json_of(["--config", str(tmp_path / "pressdocs.toml"), "units", "--json"])
    assert listed["city"] == "芜湖市"
    by_name = {u["name"]: u for u in listed["units"]}
    assert by_name["市财政局"]["emails"] == ["czj@wuhu.gov.cn"]
    assert by_name["市财政局"]["origin"] == "builtin+config"
    assert by_name["市人社局"]["full_name"] == "芜湖市人力资源和社会保障局"
    assert "人社局" in by_name["市人社局"]["aliases"]
    assert {p["name"] for p in listed["patterns"]} >= {"{place}人民政府"}


def test_pressdocs_units_resolve_explains_a_match() -> None:
    result = invoke(["units", "resolve", "芜湖市市场监督管理局"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        "“芜湖市市场监督管理局”是市市场监管局（芜湖市市场监督管理局），依据名称“市场监督管理局”")
    assert "去掉城市名“芜湖市”：市场监督管理局" in result.output
    data = json_of(["units", "resolve", "芜湖市人社局", "--json", "--lang", "en"])
    assert (data["resolved"], data["unit"]["name"], data["by"], data["matched"]) == (
        True, "市人社局", "short", "人社局")
    assert data["reason"] == "its short name '人社局'"
    assert data["steps"] == ["the city's name '芜湖市' removed: 人社局"]


def test_pressdocs_units_resolve_an_unknown_name_exits_1_with_the_nearest() -> None:
    result = invoke(["units", "resolve", "市人设局"])
    assert result.exit_code == 1
    assert "“市人设局”不在单位名录中" in result.output and "人社局" in result.output
    assert "[units." in result.output
    data = json.loads(invoke(["units", "resolve", "市人设局", "--json"]).stdout)
    assert data == {"query": "市人设局", "resolved": False, "compared": "人设局",
                    "suggestion": "人社局"}


# --- one comparison everywhere ------------------------------------------------------------

def test_earlier_submissions_of_the_unit_however_it_was_recorded(store: Store) -> None:
    """A plugin (or an older configuration) kept a submission under 芜湖市统计局; the
    unit's later mail (recorded as 市统计局) finds it, and not another unit's."""
    first = submission(reg=registration(), id="a" * 64, unit="芜湖市统计局",
                       received=at(2021, 4, 9))
    other = submission(reg=registration(), id="b" * 64, unit="市财政局",
                       received=at(2021, 4, 10))
    store.save_submission(first)
    store.save_submission(other)
    later = submission(id="c" * 64, unit="市统计局", received=at(2021, 4, 12))
    assert [s.id for s in earlier_submissions(store, later)] == ["a" * 64]
    assert store.units() == ["市财政局", "芜湖市统计局"]


def test_a_resend_with_the_title_written_otherwise_is_a_correction(tmp_path: Path) -> None:
    """The same unit sends its form again, the title now with 《》 and 新闻发布会: it
    corrects the first (the titles are compared as the plan match compares them)."""
    from pressdocs._enrich import enrich

    with open_store(tmp_path / "store") as store:
        first = submission(reg=registration(title="芜湖市养犬管理条例实施办法解读"),
                           id="a" * 64, unit="芜湖市公安局", received=at(2021, 7, 1))
        store.save_submission(first)
        again = submission(reg=registration(title="《芜湖市养犬管理条例实施办法》解读新闻发布会"),
                           id="b" * 64, unit="市公安局", received=at(2021, 7, 2))
        enrich(again, Config(), store)
        assert (again.kind, again.corrects) == (SubmissionKind.CORRECTION, "a" * 64)


def test_pd403_compares_the_units_through_the_directory(store: Store) -> None:
    """Registered under the full name (by a plugin), reported in the unit's table."""
    store.save_submission(submission(
        reg=registration(title="防汛工作新闻发布会", organiser="芜湖市水务局", time=at(2021, 6, 2, 9)),
        id="r" * 64, unit="芜湖市水务局", received=at(2021, 5, 28)))
    table = StatisticsReport(filing_unit="市水务局", filing_date=date(2021, 6, 28),
                             filer="张敏", filer_contact="0553-5841234",
                             rows=[StatisticsRow(number=1, held_on=date(2021, 5, 12),
                                                 unit="市水务局", topic="节水宣传周")])
    sub = Submission(id="t" * 64, kind=SubmissionKind.STATISTICS, received=at(2021, 6, 29),
                     unit="市水务局", statistics=table)
    findings = check(RegisteredVersusReported(), sub, store=store)
    assert [f.message.zh for f in findings] == [
        "已向市新闻办登记的“防汛工作新闻发布会”（2021年6月2日）没有列入统计表",
        "统计表第1行“节水宣传周”（2021年5月12日）没有向市新闻办登记"]


def test_known_heads_are_found_by_any_name_of_their_unit() -> None:
    seen = [Appearance("芜湖市商务局", date(2021, 3, 1), "孙丽", "新闻发言人")]
    assert heads_without_conference(["市商务局"], seen, 2021) == ["市商务局"]
    assert heads_without_conference(["市商务局"], seen, 2021,
                                     heads={"芜湖市商务局": "孙丽"}) == []


def test_plan_status_and_the_annual_check_count_a_unit_once(store: Store) -> None:
    """A plan naming one unit two ways: one unit in plan status by unit and in PD404."""
    hall = "市政府新闻发布厅"
    items = [PlanItem(number=1, venue=hall, month=3, topic="人才一体化服务平台上线",
                      units=["市人社局"]),
             PlanItem(number=2, venue=hall, month=7, topic="人力资源和社会保障事业“十四五”规划",
                      units=["市人力资源和社会保障局"]),
             PlanItem(number=3, venue=hall, month=5, topic="教育服务综合改革",
                      units=["市教育局"])]
    store.save_plan(Plan(year=2021, items=items))
    store.save_submission(submission(
        reg=registration(title="芜湖市人才一体化服务平台上线新闻发布会", time=at(2021, 3, 18, 9),
                         person_in_charge=Person("李四", "13905531234", "局长")),
        id="a" * 64, unit="市人社局", received=at(2021, 3, 12)))
    config = Config()
    status = plan_report(store, config, as_of=date(2021, 9, 1))
    assert {unit: dict(counts) for unit, counts in status.by_unit().items()} == {
        "市人社局": {"held": 1, "overdue": 1}, "市教育局": {"overdue": 1}}
    annual = annual_report(store, config, 2021, as_of=date(2022, 1, 15))
    assert annual.heads_missing == ["市教育局"]
