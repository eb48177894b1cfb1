"""PD901–PD903: files that could not be read, rejected packages, data out of shape."""

from __future__ import annotations

from pressdocs.models import (
    Document,
    DocumentKind,
    Message,
    Severity,
    Speaker,
    StatisticsReport,
    StatisticsRow,
    SubmissionKind,
)
from pressdocs.rules.documents import ExtractedDataShape, PackageRejected, UnreadableDocument
from rules_support import (
    assert_natural_chinese,
    check,
    codes,
    materials,
    picture,
    registration,
    run,
    submission,
)


def test_pd901_one_finding_per_unreadable_document_in_the_readers_words() -> None:
    docs = [Document(name="登记表.doc", media_type="application/msword",
                     problem=Message.literal("文档设有打开密码，无法读取，请发送未加密的版本",
                                             "the document is password-protected")),
            Document(name="说明.docx", kind=DocumentKind.OTHER),
            Document(name="坏文件.pdf", media_type="application/pdf", problem=Message.literal("PDF 文件已损坏"))]
    findings = check(UnreadableDocument(), submission(documents=docs))
    assert [f.location.document for f in findings] == ["登记表.doc", "坏文件.pdf"]
    assert findings[0].message.zh == ("文件“登记表.doc”无法读取：文档设有打开密码，无法读取，"
                                      "请发送未加密的版本")
    assert findings[0].message.en == ("the file '登记表.doc' could not be read: the document "
                                      "is password-protected")
    for finding in findings:
        assert finding.severity is Severity.ERROR
        assert_natural_chinese(finding)


def test_pd901_passes_readable_documents() -> None:
    assert check(UnreadableDocument(), submission(reg=registration(), mats=materials())) == []


def test_pd901_leaves_broken_pictures_of_a_package_to_pd206() -> None:
    mats = materials(pictures=[picture("图1.jpg"), picture("图2.jpg"),
                               picture("图3.jpg", problem="图片不完整（JPEG 文件被截断）")])
    sub = submission(reg=registration(), mats=mats)
    assert check(UnreadableDocument(), sub) == []
    assert "PD206" in codes(run(sub))
    # Outside a materials package the same picture is simply an unreadable file.
    alone = submission(documents=mats.pictures, kind=SubmissionKind.UNRELATED)
    assert [f.location.document for f in check(UnreadableDocument(), alone)] == ["图3.jpg"]


def test_pd902_a_rejected_package() -> None:
    docs = [Document(name="材料.zip", media_type="application/zip", kind=DocumentKind.PACKAGE,
                     problem=Message.literal("压缩包设有密码，无法解开；请发送未加密的压缩包")),
            Document(name="好的.zip", media_type="application/zip", kind=DocumentKind.PACKAGE)]
    sub = submission(documents=docs)
    [finding] = check(PackageRejected(), sub)
    assert finding.message.zh == ("压缩包“材料.zip”未能解开：压缩包设有密码，无法解开；"
                                  "请发送未加密的压缩包")
    assert_natural_chinese(finding)
    assert check(UnreadableDocument(), sub) == []


def test_pd902_a_package_known_only_by_its_type() -> None:
    doc = Document(name="材料.rar", media_type="application/vnd.rar", problem=Message.literal("无法解开"))
    assert codes(check(PackageRejected(), submission(documents=[doc]))) == ["PD902"]


def test_pd903_data_that_does_not_fit_its_schema() -> None:
    table = StatisticsReport(filing_unit="繁昌区人民政府", rows=[StatisticsRow(
        number=1, topic="繁昌区文化旅游推介", speakers=[Speaker("周涛", "区长")],
        question_count=-2)])
    sub = submission(documents=[Document(name="统计表.xlsx", kind=DocumentKind.STATISTICS)],
                     kind=SubmissionKind.STATISTICS)
    sub.statistics = table
    [finding] = check(ExtractedDataShape(), sub)
    assert finding.location.field == "statistics.rows.question_count"
    assert finding.message.zh.startswith("统计表中“行第1项.记者提问个数”一项的内容不符合数据格式")
    assert_natural_chinese(finding)


def test_pd903_passes_well_formed_data() -> None:
    assert check(ExtractedDataShape(), submission(reg=registration(), mats=materials())) == []
