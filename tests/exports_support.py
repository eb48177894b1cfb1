"""An office's store for the export tests, built the way the office builds it: the city's
plan imported, then mail taken in by :meth:`Pressdocs.batch` — the demo mailbox
(examples/demo_mailbox.py) and the statistics tables units send on 6月30日, each a filled
附件3 as pressdocs writes it, attached to a message.

What it holds, for the half-year 2021H1 as known on 2021年7月1日:

- 市统计局 registered its conference for 2021年4月15日 (and sent its materials); its table
  lists it on 4月16日 (a date that disagrees) and a conference never registered, whose
  topic is a formula (``=HYPERLINK(…)``) a spreadsheet must never evaluate;
- 市人社局 registered and held one on 2021年3月31日 and sent no table;
- 鸠江区 (a district: it organises its own conferences) sent a table of
  :data:`DISTRICT_ROWS` rows, long enough to run onto a second printed page;
- a message whose subject is ``=1+2`` (the register must show it as text).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from cli_support import load_example
from conftest import SEED
from pressdocs import Pressdocs, Speaker, StatisticsReport, StatisticsRow
from pressdocs.config import Config

__all__ = ["DISTRICT_ROWS", "FORMULA_SUBJECT", "FORMULA_TOPIC", "build_office"]

TZ = ZoneInfo("Asia/Shanghai")
FORMULA_TOPIC = '=HYPERLINK("http://evil.example/","统计开放日")'
FORMULA_SUBJECT = "=1+2"
DISTRICT_ROWS = 60


def statistics_of_the_statistics_bureau() -> StatisticsReport:
    return StatisticsReport(
        filing_unit="市统计局", filing_date=date(2021, 6, 30), filer="王五",
        filer_contact="13905531234", rows=[
            StatisticsRow(number=1, held_on=date(2021, 4, 16), venue="市政府新闻发布厅",
                          unit="市统计局", media=["芜湖日报", "芜湖广播电视台"],
                          topic="2021年一季度全市经济运行情况新闻发布会",
                          speakers=[Speaker("张三", "局长")], questions_allowed=True,
                          question_count=3),
            StatisticsRow(number=2, held_on=date(2021, 5, 20), venue="市统计局会议室",
                          unit="市统计局", media=["芜湖日报"], topic=FORMULA_TOPIC,
                          speakers=[Speaker("李四", "副局长")], questions_allowed=False)])


def statistics_of_a_district() -> StatisticsReport:
    rows = [StatisticsRow(number=i, held_on=date(2021, 1 + i % 6, 1 + i % 27),
                          venue="鸠江区政务服务中心", unit="鸠江区",
                          media=["芜湖日报", "鸠江融媒体中心"],
                          topic=f"鸠江区第{i}场优化营商环境新闻发布会",
                          speakers=[Speaker("钱七", "区长")], questions_allowed=True,
                          question_count=2) for i in range(1, DISTRICT_ROWS + 1)]
    return StatisticsReport(filing_unit="鸠江区人民政府", filing_date=date(2021, 6, 28),
                            filer="赵六", filer_contact="0553-5841234", rows=rows)


def build_office(root: Path) -> Path:
    """The store under ``root``; returns its path (the mail is under ``root/mail``)."""
    demo = load_example("demo_mailbox")
    mail = root / "mail"
    demo.write_mailbox(mail)
    store = root / "store"
    with Pressdocs(store=store, config=Config(), load_entry_points=False) as pd:
        pd.import_plan(SEED)
        tables = root / "tables"
        tables.mkdir()
        city = pd.write_form("statistics", tables / "tj.xlsx",
                             data=statistics_of_the_statistics_bureau())
        district = pd.write_form("statistics", tables / "jj.xlsx",
                                 data=statistics_of_a_district())
        more = {
            "06-统计局统计表.eml": demo.mail(
                "【市统计局】2021年上半年新闻发布会统计表", "市统计局 <tjj_bgs@wuhu.gov.cn>",
                datetime(2021, 6, 29, 9, 0, tzinfo=TZ),
                [("新闻发布会统计表.xlsx", city.read_bytes())]),
            "07-鸠江区统计表.eml": demo.mail(
                "鸠江区新闻发布会统计表", "鸠江区政府办 <jjqzfb@wuhu.gov.cn>",
                datetime(2021, 6, 28, 15, 0, tzinfo=TZ),
                [("统计表.xlsx", district.read_bytes())]),
            "08-公式.eml": demo.mail(
                FORMULA_SUBJECT, "=2+3 <someone@example.com>",
                datetime(2021, 5, 6, 8, 30, tzinfo=TZ), [], body="@SUM(1,1)"),
        }
        for name, data in more.items():
            (mail / name).write_bytes(data)
        report = pd.batch(str(mail))
        assert report.new == 8, [o.submission.subject for o in report.outcomes]
    return store


if __name__ == "__main__":  # build one to look at: python tests/exports_support.py DIR
    sys.path.insert(0, str(Path(__file__).parent))
    print(build_office(Path(sys.argv[1])))
