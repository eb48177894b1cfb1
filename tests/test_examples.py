"""The examples in examples/ work as documented."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from pressdocs import Notice, Pressdocs
from pressdocs.config import config_from_dict

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_outbox_plugin_registers_a_channel_that_never_sends_twice(tmp_path: Path) -> None:
    outbox_plugin = _load("outbox_plugin")
    config = config_from_dict({"plugins": {"outbox_plugin": {"sender": "市新闻办值班室"}}})
    app = Pressdocs(store=tmp_path / "store", config=config, plugins=[outbox_plugin],
                    load_entry_points=False)
    notice = Notice("receipt:abc", "memory", ["tjj@wuhu.gov.cn"], "receipt", {"unit": "市统计局"})
    first = app.send(notice)
    assert first.status == "sent" and first.detail.endswith("from 市新闻办值班室")
    assert app.send(notice).status == "skipped"
    assert [n.key for n in outbox_plugin.OUTBOX.sent] == ["receipt:abc"]
    assert outbox_plugin.EVENTS == ["notice_sent"]


def test_demo_mailbox_batch_finds_what_the_office_would(tmp_path: Path, seed_path: Path) -> None:
    demo = _load("demo_mailbox")
    demo.write_mailbox(tmp_path / "mail")
    app = Pressdocs(store=tmp_path / "store")
    imported = app.import_plan(seed_path)
    assert [f.code for f in imported.findings] == ["PD501", "PD501"]  # the title and topics
    report = app.batch(str(tmp_path / "mail"))
    by_subject = {o.submission.subject: o.submission for o in report.outcomes}
    codes = {s: {f.code for f in o.findings} for s, o in by_subject.items()}

    stats = by_subject["【市统计局】2021年一季度全市经济运行情况新闻发布会登记表"]
    assert (stats.kind, stats.unit, stats.plan_item, stats.status) == (
        "registration", "市统计局", 11, "accepted")
    package = by_subject["【市统计局】发布会材料（打包）"]
    assert package.status == "accepted", package.findings
    assert sorted(d.name for d in package.documents if d.kind != "package") == sorted(
        ["发布稿.docx", "问答.docx", "图片1.png", "图片2.png", "图片3.png"])
    # the package itself is listed too, and its files name it
    assert [d.name for d in package.documents if d.kind == "package"] == ["市统计局发布材料.zip"]
    assert {d.container for d in package.documents if d.kind != "package"} == {"市统计局发布材料.zip"}

    hr = by_subject["市人社局新闻发布会材料"]
    assert hr.kind == "registration_and_materials" and hr.status == "incomplete"
    assert {"PD101", "PD203", "PD204"} <= codes["市人社局新闻发布会材料"]

    env = by_subject["生态环境局 发布会图片和视频"]
    assert env.unit == "市生态环境局"
    assert {"PD206", "PD208"} <= codes["生态环境局 发布会图片和视频"]
    assert by_subject["诚邀参加2021智慧城市博览会"].status == "unrelated"


def test_the_plans_spam_check_follows_the_rule_settings(tmp_path: Path, seed_path: Path) -> None:
    """Importing a plan runs the registered rules with the user's settings, as for mail."""
    config = config_from_dict({"rules": {"PD501": {"severity": "warning"}}})
    with Pressdocs(store=tmp_path / "a", config=config) as pd:
        assert {f.severity for f in pd.import_plan(seed_path).findings} == {"warning"}
    off = config_from_dict({"rules": {"PD501": {"enabled": False}}})
    with Pressdocs(store=tmp_path / "b", config=off) as pd:
        assert pd.import_plan(seed_path).findings == []
