"""PD501: the seed notice is caught; 34 clean government press texts are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressdocs.config import Config
from pressdocs.models import (
    PressRelease,
    QAPair,
    Severity,
    Speaker,
    StatisticsReport,
    StatisticsRow,
    Submission,
    SubmissionKind,
)
from pressdocs.rules.spam import SpamCheck, looks_like_spam, spam_signs, submission_texts
from rules_support import (
    CLEAN_PRESS,
    assert_natural_chinese,
    check,
    materials,
    registration,
    submission,
)

CLEAN = sorted(CLEAN_PRESS.glob("*.txt"))
SPAM = "365bet官网注册_o365邮箱_365bet官方网址"


def release_submission(text: str) -> Submission:
    title, _, body = text.partition("\n")
    return submission(mats=materials(press_release=PressRelease(title=title, body=body)))


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CLEAN) >= 30
    texts = [p.read_text(encoding="utf-8") for p in CLEAN]
    joined = "".join(texts)
    for needle in ("GDP", "5G", "PM2.5", "www.wuhu.gov.cn", "0553-", "《", "%", "福利彩票",
                   "体育彩票", "棋牌", "博彩", "官网注册", "\u200b"):
        assert needle in joined, needle


def test_the_seed_notice_is_caught(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    title, finding = check(SpamCheck(), release_submission(text))
    assert title.location.field == "materials.press_release.title"
    assert finding.code == "PD501" and finding.severity is Severity.ERROR
    assert finding.location.field == "materials.press_release.body"
    assert finding.message.zh.startswith("发布稿正文疑似被植入赌博广告：")
    assert f"市名被替换成了“{SPAM}”（应为“芜湖市”）" in finding.message.zh
    assert "出现博彩品牌“365bet”" in finding.message.zh
    assert_natural_chinese(finding)


def test_the_seed_is_caught_whatever_city_is_configured(seed_path: Path) -> None:
    text = seed_path.read_text(encoding="utf-8")
    assert check(SpamCheck(), release_submission(text), Config(city="马鞍山市"))


@pytest.mark.parametrize("path", CLEAN, ids=[p.stem for p in CLEAN])
def test_clean_press_texts_are_not_spam(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert check(SpamCheck(), release_submission(text)) == []
    assert not looks_like_spam(spam_signs(text, "芜湖市"))


def test_a_single_injected_title_in_an_otherwise_clean_text(seed_path: Path) -> None:
    text = (CLEAN_PRESS / "13_5g.txt").read_text(encoding="utf-8")
    injected = text.replace("《芜湖市5G", f"《{SPAM}市5G", 1)
    signs = spam_signs(injected, "芜湖市")
    assert looks_like_spam(signs)
    assert {s.kind for s in signs} >= {"brand", "city", "chain"}


@pytest.mark.parametrize("text", [
    "欢迎访问www.365bet.com注册",  # a betting domain after Chinese text
    "新用户注册送彩金，百家乐真人荷官在线",
    "博\u200b彩\u200b平台",  # split by zero-width characters
    "澳门新葡京娱乐城开业",
    "点击进入bet365体育",
])
def test_obvious_spam_is_caught(text: str) -> None:
    assert looks_like_spam(spam_signs(text, "芜湖市"))


def test_two_weak_signs_together_are_enough() -> None:
    assert looks_like_spam(spam_signs("彩票官方网址", "芜湖市")) is not False
    assert looks_like_spam(spam_signs("购买彩票请到官方网址下注", "芜湖市"))
    assert not looks_like_spam(spam_signs("社区棋牌室开展象棋比赛", "芜湖市"))


def test_gambling_words_in_a_sentence_about_fighting_gambling_do_not_count() -> None:
    text = "市公安局破获利用境外博彩网站组织网络赌博案件27起。"
    assert spam_signs(text, "芜湖市") == []
    assert looks_like_spam(spam_signs("境外博彩网站，注册就送", "芜湖市"))


def test_the_city_slot_is_judged_against_the_configured_city() -> None:
    assert spam_signs("经芜湖市人民政府同意", "芜湖市") == []
    signs = spam_signs("o365bet_vip_官网市人民政府", "芜湖市")
    assert any(s.kind == "city" for s in signs)


def test_every_text_of_a_submission_is_read() -> None:
    qa = [QAPair("问题？", f"详情请见{SPAM}官网")]
    reg = registration(remarks=f"{SPAM}市新闻发布会")
    table = StatisticsReport(filing_unit="繁昌区人民政府", rows=[StatisticsRow(
        topic="繁昌区文化旅游推介", speakers=[Speaker("周涛", "365bet娱乐城代言人")])])
    sub = submission(reg=reg, mats=materials(qa=qa))
    sub.statistics = table
    sub.kind = SubmissionKind.BOTH
    findings = check(SpamCheck(), sub)
    assert [f.location.field for f in findings] == [
        "registration.remarks", "materials.qa", "statistics.rows"]
    assert [f.message.zh.split("疑似")[0] for f in findings] == [
        "登记表的“备注”", "第1个问答", "统计表第1行"]
    assert len(submission_texts(sub)) > 15


CITY_TEXTS = [p for p in CLEAN if "芜湖市" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", CITY_TEXTS, ids=[p.stem for p in CITY_TEXTS])
def test_replacing_the_city_name_as_the_seed_did_is_caught(path: Path) -> None:
    text = path.read_text(encoding="utf-8").replace("芜湖", SPAM)
    signs = spam_signs(text, "芜湖市")
    assert any(s.kind == "city" and s.evidence == SPAM for s in signs)
    assert check(SpamCheck(), release_submission(text))
