"""A plugin that misbehaves, and the office's way back once it is fixed.

The city's IT contractor ships a plugin ("office") whose validators are wrong in the ways
plugin authors get them wrong — one returns a string, one a finding whose severity is the
string "warning", one raises — and whose ``prepare_submission`` crashes on 市人社局's mail.
What staff must see: ``validate`` and ``batch`` finish with their usual exit codes (no
traceback); each broken rule is one PD999 warning naming the rule and the plugin, and the
notice's own rules still judge the files; the mail the plugin crashed on is kept as an
``error`` (PD900), never lost.  Then the contractor ships the fix, and ``pressdocs
reprocess`` runs the stored messages again — by status, by id, by received day — keeping
each earlier result in the submission's history.

The plugin is installed as pip would leave it (a module and its ``.dist-info`` with the
entry point) and pressdocs runs as a real process.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cli_support import TZ, assert_one_finding_shape, plugin_site, run_pressdocs, with_plugins
from pressdocs import schemas
from pressdocs.store import open_store
from submissions import message, registration_docx

BROKEN = """
from pressdocs import Finding, Message, Severity, Validator, hookimpl


class ReturnsText(Validator):
    name = code = "XA001"
    title = Message.literal("单位代码", "unit code")

    def check(self, submission, context):
        return "登记表缺少单位代码"            # a string, not findings


class StringSeverity(Validator):
    name = code = "XB001"
    title = Message.literal("联系人", "contact")

    def check(self, submission, context):
        return [Finding("XB001", "warning", Message.literal("请核对联系人", "check the contact"))]


class ReturnsOne(Validator):
    name = code = "XD001"
    title = Message.literal("传真", "fax")

    def check(self, submission, context):
        return Finding("XD001", Severity.INFO, Message.literal("无传真", "no fax"))  # not a list


class Raises(Validator):
    name = code = "XC001"
    title = Message.literal("目录", "directory")

    def check(self, submission, context):
        raise KeyError("unit_code")


@hookimpl
def register_validators(register):
    for validator in (ReturnsText(), StringSeverity(), ReturnsOne(), Raises()):
        register(validator)


@hookimpl
def prepare_submission(submission, config):
    if "人社局" in submission.subject:
        raise RuntimeError("directory lookup failed")
"""

FIXED = """
from pressdocs import Finding, Message, Severity, Validator, hookimpl


class StringSeverity(Validator):
    name = code = "XB001"
    severity = Severity.INFO
    title = Message.literal("联系人", "contact")

    def check(self, submission, context):
        return []


@hookimpl
def register_validators(register):
    register(StringSeverity())


@hookimpl
def prepare_submission(submission, config):
    pass
"""

CODES = ("XA001", "XB001", "XC001", "XD001")


def _registration(unit: str, sender: str, sent: datetime, when: str) -> bytes:
    return message(
        subject=f"【{unit}】新闻发布会登记表", sender=sender, date=sent,
        message_id=f"<{sent:%m%d}@wuhu.gov.cn>",
        attachments=[("登记表.docx", registration_docx(
            title=f"{unit}专题新闻发布会", unit=unit, when=when,
            filed=f"{sent.year}年{sent.month}月{sent.day}日"))])


#: Three units' registrations, received on three days; 市人社局's is late (PD101).
MAILS = {
    "1.eml": ("市统计局", "市统计局 <tjj_bgs@wuhu.gov.cn>", datetime(2021, 4, 8, 10, 0, tzinfo=TZ),
              "2021年4月15日上午9:30"),
    "2.eml": ("市人社局", "市人社局 <rsj@wuhu.gov.cn>", datetime(2021, 4, 10, 10, 0, tzinfo=TZ),
              "2021年4月12日上午9:30"),
    "3.eml": ("市民政局", "市民政局 <mzj@wuhu.gov.cn>", datetime(2021, 4, 12, 10, 0, tzinfo=TZ),
              "2021年4月20日上午9:30"),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    root = tmp_path_factory.mktemp("office-plugin")
    return {"broken": with_plugins(plugin_site(root / "v1", "office", BROKEN)),
            "fixed": with_plugins(plugin_site(root / "v2", "office", FIXED))}


@pytest.fixture(scope="module")
def mail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reprocess") / "mail"
    folder.mkdir()
    for name, (unit, sender, sent, when) in MAILS.items():
        path = folder / name
        path.write_bytes(_registration(unit, sender, sent, when))
        os.utime(path, (sent.timestamp(), sent.timestamp()))  # saved when it arrived
    return folder


def _pd999(findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The PD999 findings, by the rule code they name."""
    found = {}
    for f in findings:
        if f["code"] == "PD999":
            assert f["severity"] == "warning", f
            found[f["message"]["params"]["code"]] = f
    return found


def _assert_names_rule_and_plugin(findings: list[dict[str, Any]]) -> None:
    broken = _pd999(findings)
    assert sorted(broken) == list(CODES)
    for code, finding in broken.items():
        zh, en = finding["message"]["zh"], finding["message"]["en"]
        assert f"校验规则 {code}（插件 office）" in zh, zh
        assert code in en and "office" in en, en
    # what the validator returned is named whole, not taken apart into characters
    assert "'登记表缺少单位代码'" in broken["XA001"]["message"]["zh"]
    assert "not a list of Finding" in broken["XD001"]["message"]["en"]
    assert "pressdocs.Finding" in broken["XA001"]["message"]["zh"]
    assert "pressdocs.Severity" in broken["XB001"]["message"]["en"]
    assert "KeyError" in broken["XC001"]["message"]["zh"]


def test_validate_with_misbehaving_validators(sites: dict[str, dict[str, str]],
                                              tmp_path: Path) -> None:
    late = tmp_path / "登记表.eml"
    late.write_bytes(_registration("市民政局", "市民政局 <mzj@wuhu.gov.cn>",
                                   datetime(2021, 4, 19, 10, tzinfo=TZ), "2021年4月20日上午9:30"))
    proc = run_pressdocs(["validate", "--json", str(late)], env=sites["broken"])
    assert proc.returncode == 1, proc.stderr  # PD101 is an error: the rules still ran
    assert "Traceback" not in proc.stderr
    [entry] = json.loads(proc.stdout)
    _assert_names_rule_and_plugin(entry["findings"])
    assert "PD101" in [f["code"] for f in entry["findings"]]
    assert entry["status"] == "incomplete"

    table = run_pressdocs(["validate", str(late)], env=sites["broken"])
    assert table.returncode == 1 and "Traceback" not in table.stderr
    rows = [line for line in table.stdout.splitlines() if line.startswith("│ PD999")]
    assert len(rows) == len(CODES) and "PD101" in table.stdout


@pytest.fixture(scope="module")
def taken(sites: dict[str, dict[str, str]], mail: Path,
          tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The mailbox taken in with the broken plugin: the store and the batch report."""
    store = tmp_path_factory.mktemp("taken") / "store"
    proc = run_pressdocs(["--store", str(store), "batch", str(mail), "--json"],
                         env=sites["broken"])
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return store, json.loads(proc.stdout)


def _by_unit(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The entries by unit; the one pressdocs failed on (no unit worked out) as "error"."""
    return {m["unit"] or m["status"]: m for m in report["messages"]}


def test_batch_with_misbehaving_validators(taken: tuple[Path, dict[str, Any]]) -> None:
    store, report = taken
    schemas.validate("batch", report)
    assert assert_one_finding_shape(report) == 2 * len(CODES) + 1  # PD999s and the PD900
    messages = _by_unit(report)
    for unit in ("市统计局", "市民政局"):
        entry = messages[unit]
        assert entry["status"] == "accepted", entry  # PD999 is a warning
        _assert_names_rule_and_plugin(entry["findings"])
        assert "PD900" not in [f["code"] for f in entry["findings"]]
        with open_store(store) as ledger:
            stored = ledger.get_submission(entry["submission_id"])
        assert stored is not None and stored.status == "accepted"
        assert sorted(f.message.params["code"] for f in stored.findings
                      if f.code == "PD999") == list(CODES)
    # the crash in prepare_submission: kept as an error, saying to reprocess after a fix
    crashed = messages["error"]
    assert crashed["status"] == "error"
    [pd900] = crashed["findings"]
    assert pd900["code"] == "PD900" and "directory lookup failed" in pd900["message"]["zh"]
    assert "pressdocs reprocess" in pd900["message"]["zh"]


def _copy(store: Path, target: Path) -> Path:
    shutil.copytree(store, target)
    return target


def _reprocess(store: Path, env: dict[str, str], *args: str) -> dict[str, Any]:
    proc = run_pressdocs(["--store", str(store), "reprocess", *args, "--json"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout)
    schemas.validate("batch", report)
    assert_one_finding_shape(report)
    return report


def test_reprocess_the_errors_after_the_fix(taken: tuple[Path, dict[str, Any]],
                                            sites: dict[str, dict[str, str]],
                                            tmp_path: Path) -> None:
    store = _copy(taken[0], tmp_path / "store")
    crashed = _by_unit(taken[1])["error"]
    report = _reprocess(store, sites["fixed"], "--status", "error")
    [again] = report["messages"]
    assert again["submission_id"] == crashed["submission_id"]
    assert (again["status"], again["kind"], again["unit"]) == (
        "incomplete", "registration", "市人社局")
    # judged on its received time, 2021-04-10, as if it had never failed; no PD999 any more
    [pd101] = again["findings"]
    assert pd101["code"] == "PD101" and "晚了1天" in pd101["message"]["zh"], pd101
    with open_store(store) as ledger:
        now = ledger.get_submission(crashed["submission_id"])
        [earlier] = ledger.submission_history(crashed["submission_id"])
        others = [ledger.submission_history(m["submission_id"])
                  for m in taken[1]["messages"] if m is not crashed]
    assert now is not None and now.status == "incomplete"
    assert earlier.submission.status == "error"
    assert [f.code for f in earlier.submission.findings] == ["PD900"]
    assert others == [[], []]  # the others were not chosen
    # nothing is left in error
    assert _reprocess(store, sites["fixed"], "--status", "error")["messages"] == []


def test_reprocess_by_id_prefix(taken: tuple[Path, dict[str, Any]],
                                sites: dict[str, dict[str, str]], tmp_path: Path) -> None:
    store = _copy(taken[0], tmp_path / "store")
    chosen = _by_unit(taken[1])["市统计局"]
    report = _reprocess(store, sites["fixed"], "--id", chosen["submission_id"][:8])
    [again] = report["messages"]
    assert again["submission_id"] == chosen["submission_id"]
    assert again["status"] == "accepted" and _pd999(again["findings"]) == {}
    with open_store(store) as ledger:
        [earlier] = ledger.submission_history(chosen["submission_id"])
    assert sorted(f.message.params["code"] for f in earlier.submission.findings
                  if f.code == "PD999") == list(CODES)


@pytest.mark.parametrize(("day", "units"), [
    ("2021-04-10", ["市人社局", "市民政局"]),
    ("2021-04-12", ["市民政局"]),
    ("2021-04-13", []),
])
def test_reprocess_since_chooses_by_received_day(taken: tuple[Path, dict[str, Any]],
                                                 sites: dict[str, dict[str, str]],
                                                 tmp_path: Path, day: str,
                                                 units: list[str]) -> None:
    store = _copy(taken[0], tmp_path / "store")
    report = _reprocess(store, sites["fixed"], "--since", day)
    assert sorted(m["unit"] for m in report["messages"]) == units
    assert all(m["received"][:10] >= day for m in report["messages"])


def test_the_received_day_is_the_offices(taken: tuple[Path, dict[str, Any]],
                                         sites: dict[str, dict[str, str]],
                                         tmp_path: Path) -> None:
    """A message received at 00:30 Shanghai time (16:30 UTC the day before) counts on its
    Shanghai day."""
    mail = tmp_path / "mail"
    mail.mkdir()
    sent = datetime(2021, 4, 14, 0, 30, tzinfo=TZ)
    (mail / "night.eml").write_bytes(_registration("市民政局", "市民政局 <mzj@wuhu.gov.cn>",
                                                   sent, "2021年4月20日上午9:30"))
    store = _copy(taken[0], tmp_path / "store")
    proc = run_pressdocs(["--store", str(store), "batch", str(mail)], env=sites["fixed"])
    assert proc.returncode == 0, proc.stderr
    report = _reprocess(store, sites["fixed"], "--since", "2021-04-14")
    assert [m["received"] for m in report["messages"]] == [sent.isoformat()]



def test_a_message_pressdocs_failed_on_keeps_its_date_and_subject(
        sites: dict[str, dict[str, str]], tmp_path: Path) -> None:
    """A PD900 message is kept with its subject, sender and the received time its Date
    header gives (not the file's), so staff can find it and reprocess judges it right."""
    mail = tmp_path / "mail"
    mail.mkdir()
    sent = datetime(2021, 4, 10, 10, 0, tzinfo=TZ)
    # the .eml saved today (its mtime is not its Date), as a folder copied later is
    (mail / "2.eml").write_bytes(_registration("市人社局", "市人社局 <rsj@wuhu.gov.cn>", sent,
                                               "2021年4月12日上午9:30"))
    store = tmp_path / "store"
    batch = run_pressdocs(["--store", str(store), "batch", str(mail), "--json"],
                          env=sites["broken"])
    [entry] = json.loads(batch.stdout)["messages"]
    assert entry["status"] == "error"
    assert (entry["subject"], entry["sender"], entry["received"]) == (
        "【市人社局】新闻发布会登记表", "rsj@wuhu.gov.cn", sent.isoformat())
    [again] = _reprocess(store, sites["fixed"], "--status", "error")["messages"]
    assert again["received"] == sent.isoformat()
    [pd101] = again["findings"]
    assert "晚了1天" in pd101["message"]["zh"]
