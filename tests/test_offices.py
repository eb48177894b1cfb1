"""Several offices in one deployment: each its own configuration, mailbox, plan, units,
staff and store; nothing of one office reaches another's staff.

Two offices in one pressdocs.toml, ``[offices.wuhu]`` and ``[offices.maanshan]``, each
taking in its own mailbox; the store is a directory (a folder per office) and a
PostgreSQL database (a schema per office).  A reviewer of one gets 404 for the other's
submissions in the review desk, and ``submissions list`` shows only the office's own.
"""

from __future__ import annotations

import json
import textwrap
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cli_support import invoke
from pressdocs import Pressdocs
from pressdocs.errors import ConfigError
from submissions import message, registration_docx

pytest.importorskip("starlette", reason="the review desk needs pressdocs[web]")

from starlette.testclient import TestClient

from pressdocs.web import create_app
from pressdocs.web.desk import Desk
from web_support import csrf_of

TZ = ZoneInfo("Asia/Shanghai")
CONFIG = textwrap.dedent("""
    timezone = "Asia/Shanghai"

    [limits]
    lease_seconds = 600

    [offices.wuhu]
    city = "芜湖市"
    office_mailbox = "whxwtg@163.com"

    [offices.maanshan]
    city = "马鞍山市"
    office = "马鞍山市新闻办"
    office_mailbox = "masxwb@163.com"

    [offices.maanshan.units."市统计局"]
    emails = ["tjj@mas.gov.cn"]
""")


def _mailbox(root: Path, city: str, unit: str, sender: str, count: int) -> Path:
    mail = root / f"mail-{city}"
    mail.mkdir()
    for i in range(count):
        title = f"2021年{city}第{i + 1}场新闻发布会"
        (mail / f"{i}.eml").write_bytes(message(
            subject=f"【{unit}】{title}登记表", sender=sender,
            date=datetime(2021, 4, 1 + i, 9, 0, tzinfo=TZ),
            message_id=f"<{city}-{i}@gov.cn>",
            attachments=[(f"登记表（{unit}）.docx", registration_docx(
                title=title, unit=unit, when=f"2021年4月{10 + i}日上午9:30",
                filed=f"2021年4月{1 + i}日"))]))
    return mail


def _offices(root: Path, store: str | None) -> tuple[Path, dict[str, Path]]:
    config = root / "pressdocs.toml"
    config.write_text(CONFIG, encoding="utf-8")
    mail = {"wuhu": _mailbox(root, "wuhu", "市统计局", "tjj <tjj@wuhu.gov.cn>", 3),
            "maanshan": _mailbox(root, "maanshan", "市统计局", "tjj <tjj@mas.gov.cn>", 2)}
    for office, box in mail.items():
        done = invoke(_args(config, store, office, "batch", str(box)))
        assert done.exit_code == 0, done.output
    return config, mail


def _args(config: Path, store: str | None, office: str, *rest: str) -> list[str]:
    return ["--config", str(config), *(["--store", store] if store else []),
            "--office", office, *rest]


def _listed(config: Path, store: str | None, office: str) -> dict[str, Any]:
    done = invoke(_args(config, store, office, "submissions", "list", "--json"))
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.output))


def _check_separated(root: Path, store: str | None) -> None:
    config, _ = _offices(root, store)
    wuhu = _listed(config, store, "wuhu")
    maanshan = _listed(config, store, "maanshan")
    assert wuhu["total"] == 3 and maanshan["total"] == 2
    assert {s["subject"][:20] for s in wuhu["submissions"]}.isdisjoint(
        {s["subject"][:20] for s in maanshan["submissions"]})
    assert all("wuhu" in s["subject"] for s in wuhu["submissions"])
    assert all("maanshan" in s["subject"] for s in maanshan["submissions"])

    # the review desk of wuhu, with wuhu's reviewer: maanshan's submissions are not there
    app = Pressdocs(config=config, store=store, office="wuhu")
    app.add_user("wuhu-reviewer", "a long pass phrase 2021", role="reviewer")
    assert app.config.city == "芜湖市"
    other = Pressdocs(config=config, store=store, office="maanshan")
    assert other.config.city == "马鞍山市" and other.users() == []  # staff are an office's own
    desk = Desk(config=app.config, store=app.store_given, lang="zh")
    client = TestClient(create_app(desk))
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"name": "wuhu-reviewer",
                                         "password": "a long pass phrase 2021",
                                         "csrf_token": token, "next": "/inbox"})
    assert answer.status_code == 200 and answer.url.path == "/inbox"
    for sub in maanshan["submissions"]:
        assert client.get(f"/submissions/{sub['id']}").status_code == 404
        assert client.get(f"/api/submissions/{sub['id']}").status_code == 404
    for sub in wuhu["submissions"]:
        assert client.get(f"/submissions/{sub['id']}").status_code == 200
    inbox = client.get("/api/submissions").json()
    assert {s["id"] for s in inbox["submissions"]} == {s["id"] for s in wuhu["submissions"]}
    app.close()
    other.close()


def test_two_offices_on_store_directories_see_only_their_own(tmp_path: Path) -> None:
    _check_separated(tmp_path, None)
    # each office its own folder inside the store directory
    assert (tmp_path / "pressdocs-data" / "wuhu" / "pressdocs.sqlite3").is_file()
    assert (tmp_path / "pressdocs-data" / "maanshan" / "pressdocs.sqlite3").is_file()


def test_two_offices_sharing_a_postgresql_database_see_only_their_own(
        tmp_path: Path, postgres_url: str) -> None:
    import psycopg

    _check_separated(tmp_path, postgres_url)
    with psycopg.connect(postgres_url) as db:
        schemas = {r[0] for r in db.execute(
            "SELECT schema_name FROM information_schema.schemata").fetchall()}
    assert {"office_wuhu", "office_maanshan"} <= schemas


def test_a_deployment_of_several_offices_asks_which_one(tmp_path: Path) -> None:
    config = tmp_path / "pressdocs.toml"
    config.write_text(CONFIG, encoding="utf-8")
    unnamed = invoke(["--config", str(config), "submissions", "list"])
    assert unnamed.exit_code == 2
    assert "请用 --office 或环境变量 PRESSDOCS_OFFICE 指定其中一个" in unnamed.output
    assert "wuhu、maanshan" in unnamed.output
    unknown = invoke(["--config", str(config), "--office", "hefei", "submissions", "list"])
    assert unknown.exit_code == 2 and "没有名为“hefei”的新闻办" in unknown.output
    with pytest.raises(ConfigError, match="只服务一个新闻办时不用 --office"):
        (tmp_path / "one.toml").write_text('city = "芜湖市"\n', encoding="utf-8")
        _ = Pressdocs(config=tmp_path / "one.toml", office="wuhu").config
    # an office's table is laid over the top level: its own units, the shared limits
    maanshan = Pressdocs(config=config, office="maanshan").config
    assert maanshan.office == "马鞍山市新闻办" and maanshan.limits.lease_seconds == 600
    assert "市统计局" in maanshan.units
    assert Pressdocs(config=config, office="wuhu").config.units == {}
