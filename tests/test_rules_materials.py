"""PD201–PD208: the materials package, each rule triggered and just passed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pressdocs.config import Config, MaterialsRules
from pressdocs.models import (
    Document,
    DocumentKind,
    LinkedFile,
    PressRelease,
    QAPair,
    Severity,
    SubmissionKind,
)
from pressdocs.rules.materials import (
    AnswerLength,
    DownloadLinks,
    MaterialsOnTime,
    Pictures,
    PressReleaseLength,
    PressReleasePresent,
    Questions,
    Videos,
)
from pressdocs.store import Store, open_store
from pressdocs.text import count_zishu
from rules_support import (
    assert_natural_chinese,
    at,
    check,
    codes,
    materials,
    picture,
    registration,
    run,
    submission,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "store") as opened:
        yield opened


def test_a_complete_package_on_time_raises_nothing() -> None:
    sub = submission(reg=registration(), mats=materials(), received=at(2021, 4, 12, 10))
    assert run(sub) == []


# --- PD201 -------------------------------------------------------------------------------

def test_pd201_passes_the_day_before_at_2359() -> None:
    sub = submission(reg=registration(time=at(2021, 4, 20, 9, 30)), mats=materials(),
                     received=at(2021, 4, 19, 23, 59))
    assert check(MaterialsOnTime(), sub) == []


def test_pd201_fires_on_the_day_of_the_conference() -> None:
    sub = submission(reg=registration(time=at(2021, 4, 20, 9, 30)), mats=materials(),
                     received=at(2021, 4, 20, 0, 0))
    [finding] = check(MaterialsOnTime(), sub)
    assert finding.message.zh == (
        "发布材料2021年4月20日收到，发布会定于2021年4月20日 9:30召开，按召开前1天报送的要求"
        "最迟应于2021年4月19日发送，晚了1天")
    assert finding.clause == "上述内容于发布会召开前1天打包发送至邮箱"
    assert_natural_chinese(finding)


def test_pd201_finds_the_conference_in_the_units_earlier_registration(store: Store) -> None:
    earlier = submission(reg=registration(time=at(2021, 4, 20, 9, 30)), id="r" * 64,
                         received=at(2021, 4, 12, 10), unit="市统计局")
    other = submission(reg=registration(title="2020年全市经济运行情况", time=at(2021, 1, 25, 9)),
                       id="o" * 64, received=at(2021, 1, 15), unit="市统计局")
    store.save_submission(earlier)
    store.save_submission(other)
    late = submission(mats=materials(), received=at(2021, 4, 20, 8), unit="市统计局",
                      id="m" * 64)
    [finding] = check(MaterialsOnTime(), late, store=store)
    assert "据2021年4月12日收到的登记表" in finding.message.zh
    assert "发布会定于2021年4月20日 9:30召开" in finding.message.zh
    on_time = submission(mats=materials(), received=at(2021, 4, 19, 17), unit="市统计局",
                         id="n" * 64)
    assert check(MaterialsOnTime(), on_time, store=store) == []


def test_pd201_does_not_use_a_registration_that_arrived_after_the_package(store: Store) -> None:
    store.save_submission(submission(reg=registration(time=at(2021, 4, 20, 9, 30)),
                                     id="r" * 64, received=at(2021, 4, 21), unit="市统计局"))
    sub = submission(mats=materials(), received=at(2021, 4, 20, 8), unit="市统计局")
    assert check(MaterialsOnTime(), sub, store=store) == []


def test_pd201_without_a_store_or_registration_is_silent() -> None:
    sub = submission(mats=materials(), received=at(2021, 4, 20, 8), unit="市统计局")
    assert check(MaterialsOnTime(), sub, store=None) == []


# --- PD202 -------------------------------------------------------------------------------

def test_pd202_no_press_release() -> None:
    sub = submission(reg=registration(), mats=materials(press_release=None),
                     received=at(2021, 4, 12))
    assert codes(run(sub)) == ["PD202"]
    [finding] = check(PressReleasePresent(), sub)
    assert finding.message.zh == "发布材料中没有新闻发布稿"
    assert_natural_chinese(finding)


def test_pd202_says_when_the_release_came_only_as_a_link() -> None:
    link = LinkedFile(name="新闻发布稿.docx", url="https://mail.163.com/large-attachment-download/1")
    sub = submission(mats=materials(press_release=None, linked_files=[link]))
    [finding] = check(PressReleasePresent(), sub)
    assert "只收到下载链接“新闻发布稿.docx”" in finding.message.zh
    assert_natural_chinese(finding)


def test_pd202_does_not_expect_a_release_with_a_registration_sent_alone() -> None:
    sub = submission(reg=registration(), mats=materials(press_release=None, qa=[]),
                     kind=SubmissionKind.REGISTRATION)
    assert check(PressReleasePresent(), sub) == []


def test_pd202_passes_with_a_release() -> None:
    assert check(PressReleasePresent(), submission(mats=materials())) == []


# --- PD203 -------------------------------------------------------------------------------

def _body(chars: int) -> str:
    """A body of exactly ``chars`` 字 (Word's count): Chinese, numbers and English words."""
    unit = "全市GDP增长19.8%，5G基站4862个。"  # 全市 增长 ，基站 个 。 + GDP 19.8% 5G 4862
    count = count_zishu(unit).total
    body = unit * (chars // count)
    body += "字" * (chars - count_zishu(body).total)
    assert count_zishu(body).total == chars
    return body


def test_pd203_1200_zi_passes() -> None:
    sub = submission(mats=materials(press_release=PressRelease("标题", _body(1200))))
    assert check(PressReleaseLength(), sub) == []


def test_pd203_1201_zi_is_a_warning() -> None:
    sub = submission(mats=materials(press_release=PressRelease("标题", _body(1201))))
    [finding] = check(PressReleaseLength(), sub)
    assert finding.severity is Severity.WARNING
    assert finding.message.zh == "发布稿共1201字，超过1200字（原则上不超过1200字）"
    assert finding.location.document == "发布稿.docx"
    assert_natural_chinese(finding)


def test_pd203_the_issue_example() -> None:
    sub = submission(mats=materials(press_release=PressRelease("标题", _body(1342))))
    [finding] = check(PressReleaseLength(), sub)
    assert finding.message.zh == "发布稿共1342字，超过1200字（原则上不超过1200字）"


def test_pd203_limit_comes_from_the_configuration() -> None:
    config = Config(materials=MaterialsRules(press_release_max_chars=800))
    sub = submission(mats=materials(press_release=PressRelease("标题", _body(801))))
    [finding] = check(PressReleaseLength(), sub, config)
    assert finding.message.zh == "发布稿共801字，超过800字（原则上不超过800字）"


# --- PD204 -------------------------------------------------------------------------------

def test_pd204_two_answered_questions_pass() -> None:
    assert check(Questions(), submission(mats=materials())) == []


def test_pd204_one_answered_question_fails() -> None:
    qa = [QAPair("问题一？", "回答一。"), QAPair("问题二？", "  ")]
    [finding] = check(Questions(), submission(mats=materials(qa=qa)))
    assert finding.message.zh == ("发布材料中附有回答的提问问题只有1个（另有1个问题没有回答），"
                                  "至少应提供2个")
    assert (finding.location.document, finding.location.field) == ("问答.docx", "materials.qa")
    assert_natural_chinese(finding)


def test_pd204_no_questions() -> None:
    [finding] = check(Questions(), submission(mats=materials(qa=[])))
    assert finding.message.zh == "发布材料中没有附回答的提问问题，至少应提供2个"
    assert_natural_chinese(finding)


def test_pd204_minimum_comes_from_the_configuration() -> None:
    config = Config(materials=MaterialsRules(min_questions=3))
    [finding] = check(Questions(), submission(mats=materials()), config)
    assert finding.message.zh == "发布材料中附有回答的提问问题只有2个，至少应提供3个"


# --- PD205 -------------------------------------------------------------------------------

def test_pd205_answers_of_exactly_500_zi_pass() -> None:
    qa = [QAPair("第一问？", "答" * 500), QAPair("第二问？", "答" * 499 + "。")]
    assert check(AnswerLength(), submission(mats=materials(qa=qa))) == []


def test_pd205_each_answer_over_500_zi_separately() -> None:
    qa = [QAPair("第一问？", "答" * 500), QAPair("第二问？", "答" * 501),
          QAPair("第三问？", "答" * 620)]
    findings = check(AnswerLength(), submission(mats=materials(qa=qa)))
    assert [f.location.field for f in findings] == ["materials.qa.answer"] * 2
    assert [f.message.params["number"] for f in findings] == [2, 3]
    assert findings[0].message.zh == ("第2个问题（“第二问？”）的回答共501字，超过500字"
                                      "（每个回答不超过500字）")
    assert all(f.severity is Severity.WARNING for f in findings)
    for finding in findings:
        assert_natural_chinese(finding)


# --- PD206 -------------------------------------------------------------------------------

def test_pd206_three_pictures_pass() -> None:
    assert check(Pictures(), submission(mats=materials())) == []


@pytest.mark.parametrize("count", [2, 4])
def test_pd206_fewer_or_more_than_three(count: int) -> None:
    pics = [picture(f"图{i}.jpg") for i in range(count)]
    [finding] = check(Pictures(), submission(mats=materials(pictures=pics)))
    assert finding.message.zh == f"发布材料中有{count}张可用的图片，应提供3张"
    assert_natural_chinese(finding)


def test_pd206_a_picture_that_cannot_be_opened() -> None:
    pics = [picture("图1.jpg"), picture("图2.jpg"),
            picture("图3.jpg", problem="图片不完整（JPEG 文件被截断），无法正常显示，请重新发送")]
    findings = check(Pictures(), submission(mats=materials(pictures=pics)))
    assert [f.location.document for f in findings] == ["", "图3.jpg"]
    assert findings[0].message.zh == "发布材料中有2张可用的图片（另有1张无法使用），应提供3张"
    assert findings[1].message.zh.startswith("图片“图3.jpg”无法使用：图片不完整")


def test_pd206_a_file_named_like_a_picture_that_is_not_one() -> None:
    fake = Document(name="现场照片.jpg", media_type="text/html", kind=DocumentKind.OTHER)
    mats = materials(pictures=[picture("图1.jpg"), picture("图2.jpg")])
    sub = submission(mats=mats, documents=[*mats.pictures, fake])
    findings = check(Pictures(), sub)
    assert "现场照片.jpg" in findings[1].message.zh
    assert "实际是网页" in findings[1].message.zh
    for finding in findings:
        assert_natural_chinese(finding)


# --- PD207 -------------------------------------------------------------------------------

def test_pd207_one_video_passes_and_none_is_fine() -> None:
    assert check(Videos(), submission(mats=materials())) == []
    assert check(Videos(), submission(mats=materials(videos=[]))) == []


def test_pd207_two_videos() -> None:
    videos = [Document(name=f"视频{i}.mp4", media_type="video/mp4", kind=DocumentKind.VIDEO)
              for i in (1, 2)]
    [finding] = check(Videos(), submission(mats=materials(videos=videos)))
    assert finding.severity is Severity.WARNING
    assert finding.message.zh == "发布材料中有2个视频，视频为备选材料，最多1个"
    assert_natural_chinese(finding)


# --- PD208 -------------------------------------------------------------------------------

def test_pd208_a_link_with_its_expiry() -> None:
    link = LinkedFile(name="发布会视频.mp4", url="https://mail.163.com/large-attachment-download/x",
                      size_text="80.96M", expires=at(2021, 3, 1, 10), provider="163")
    [finding] = check(DownloadLinks(), submission(mats=materials(linked_files=[link])))
    assert finding.message.zh == ("“发布会视频.mp4”（80.96M）只以下载链接发送，没有作为附件，"
                                  "链接2021年3月1日 10:00到期，请在到期前下载保存")
    assert finding.location.document == "发布会视频.mp4"
    assert_natural_chinese(finding)


def test_pd208_a_link_without_expiry() -> None:
    link = LinkedFile(name="图片.zip", url="https://wx.mail.qq.com/ftn/download?x")
    [finding] = check(DownloadLinks(), submission(mats=materials(linked_files=[link])))
    assert "有效期不明" in finding.message.zh


def test_pd208_passes_when_the_file_was_also_attached() -> None:
    link = LinkedFile(name="视频.mp4", url="https://mail.163.com/large-attachment-download/x")
    assert check(DownloadLinks(), submission(mats=materials(linked_files=[link]))) == []
