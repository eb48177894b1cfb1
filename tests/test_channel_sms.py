"""The built-in ``sms`` channel against loopback stand-ins for Aliyun and Tencent Cloud.

The servers (tests/smsservers.py) check each request's signature with their own
implementation of the provider's documented algorithm and answer in the providers' JSON
shapes.  The tests send through :meth:`Pressdocs.send`, as the office's runs do, and
assert what the office would see in the outbox: sent, failed (tried again later) or
abandoned, the provider's answer kept, and what the provider received — the numbers,
the sign name, the template and its parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pressdocs import ChannelError, Notice, Pressdocs
from pressdocs._plugins import load_plugins
from pressdocs.builtin.channel_sms import SmsChannel
from pressdocs.builtin.channel_sms.payload import find_link
from pressdocs.capabilities import Channel, Context
from pressdocs.config import config_from_dict
from pressdocs.store import DeliveryStatus
from smsservers import AliyunServer, TencentServer, closed_port_url, make_certificate

ALIYUN_ID = "LTAI5tPressdocsTest"
ALIYUN_SECRET = "aliyun-secret-0553"
TENCENT_ID = "AKIDPressdocsTest0553"
TENCENT_SECRET = "tencent-secret-0553"
SECRET_ENV = "PRESSDOCS_SMS_SECRET"
VARIABLES = {"unit": "市统计局", "count": "3", "date": "2021年6月30日"}


@pytest.fixture
def aliyun(monkeypatch: pytest.MonkeyPatch) -> Iterator[AliyunServer]:
    monkeypatch.setenv(SECRET_ENV, ALIYUN_SECRET)
    with AliyunServer({ALIYUN_ID: ALIYUN_SECRET}) as server:
        yield server  # type: ignore[misc]


@pytest.fixture
def tencent(monkeypatch: pytest.MonkeyPatch) -> Iterator[TencentServer]:
    monkeypatch.setenv(SECRET_ENV, TENCENT_SECRET)
    with TencentServer({TENCENT_ID: TENCENT_SECRET}) as server:
        yield server  # type: ignore[misc]


def aliyun_settings(url: str, **changes: Any) -> dict[str, Any]:
    return {"provider": "aliyun", "access_key_id": ALIYUN_ID,
            "access_key_secret": {"env": SECRET_ENV}, "sign_name": "芜湖市新闻办",
            "endpoint": url,
            "templates": {"receipt": "SMS_123456",
                          "remind_register": {"code": "SMS_123457", "params": ["unit", "date"]}},
            **changes}


def tencent_settings(url: str, **changes: Any) -> dict[str, Any]:
    return {"provider": "tencent", "access_key_id": TENCENT_ID,
            "access_key_secret": {"env": SECRET_ENV}, "sign_name": "芜湖市新闻办",
            "app_id": 1400006666, "endpoint": url,
            "templates": {"receipt": {"code": "1110", "params": ["unit", "count", "date"]}},
            **changes}


def office(tmp_path: Path, sms: dict[str, Any]) -> Pressdocs:
    config = config_from_dict({"notify": {"sms": sms}})
    return Pressdocs(config=config, store=tmp_path / "store", load_entry_points=False)


def notice(recipients: tuple[str, ...] = ("139 0553 1234",), template: str = "receipt",
           key: str = "receipt:S1:13905531234:sms", **sms: str) -> Notice:
    return Notice(key, "sms", list(recipients), template,
                  {"subject": "登记表已收到", "text": "…", "sms": sms or dict(VARIABLES)},
                  unit="市统计局", submission_id="S1")


def stored(pd: Pressdocs, key: str) -> tuple[DeliveryStatus, str]:
    record = pd.store.notice_record(key)
    assert record is not None
    return record.status, record.detail


# --- Aliyun --------------------------------------------------------------------------------


def test_aliyun_sends_a_receipt_once_signed_as_aliyun_checks_it(
        tmp_path: Path, aliyun: AliyunServer) -> None:
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice())
        again = pd.send(notice())
        assert stored(pd, notice().key) == (DeliveryStatus.SENT, "9006197469364984401^0")
    assert delivery.status == "sent" and delivery.detail == "9006197469364984401^0"
    assert again.status == "skipped"  # the core sends a key once: one request only
    [request] = aliyun.received
    assert request.signature_ok, request.problem
    fields = request.fields
    assert fields["PhoneNumbers"] == "13905531234"
    assert fields["SignName"] == "芜湖市新闻办"
    assert fields["TemplateCode"] == "SMS_123456"
    assert json.loads(fields["TemplateParam"]) == VARIABLES
    assert (fields["Action"], fields["Version"], fields["Format"], fields["RegionId"]) == \
        ("SendSms", "2017-05-25", "JSON", "cn-hangzhou")
    assert fields["AccessKeyId"] == ALIYUN_ID
    assert ALIYUN_SECRET.encode() not in request.body
    assert request.path == "/"


def test_aliyun_template_with_params_sends_those_variables(tmp_path: Path,
                                                           aliyun: AliyunServer) -> None:
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice(template="remind_register", key="remind:11:sms"))
    assert delivery.status == "sent"
    [request] = aliyun.received
    assert request.fields["TemplateCode"] == "SMS_123457"
    assert json.loads(request.fields["TemplateParam"]) == {"unit": "市统计局",
                                                           "date": "2021年6月30日"}


def test_aliyun_numbers_are_normalised_and_each_sent_once(tmp_path: Path,
                                                          aliyun: AliyunServer) -> None:
    recipients = ("+86 139-0553-1234", "13905531234", "１３９０５５３１２３５")
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        assert pd.send(notice(recipients)).status == "sent"
    assert aliyun.received[0].fields["PhoneNumbers"] == "13905531234,13905531235"


def test_aliyun_throttling_is_tried_again_later_and_then_sent(tmp_path: Path,
                                                              aliyun: AliyunServer) -> None:
    aliyun.then(AliyunServer.THROTTLED)
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        first = pd.send(notice())
        assert stored(pd, notice().key)[0] == DeliveryStatus.FAILED
        second = pd.send(notice())
    assert first.status == "failed"
    assert "isv.BUSINESS_LIMIT_CONTROL" in first.detail and "触发小时级流控" in first.detail
    assert second.status == "sent"
    assert [r.signature_ok for r in aliyun.received] == [True, True]
    nonces = {r.fields["SignatureNonce"] for r in aliyun.received}
    assert len(nonces) == 2  # a fresh nonce per request: Aliyun refuses a used one


@pytest.mark.parametrize(("answer", "code", "words"), [
    (AliyunServer.BAD_TEMPLATE, "isv.SMS_TEMPLATE_ILLEGAL", "模板不合法"),
    (AliyunServer.BAD_SIGN, "isv.SMS_SIGNATURE_ILLEGAL", "签名不合法"),
])
def test_aliyun_refusing_the_template_or_sign_abandons_the_notice_with_its_answer(
        tmp_path: Path, aliyun: AliyunServer, answer: Any, code: str, words: str) -> None:
    aliyun.then(answer)
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice())
        status, detail = stored(pd, notice().key)
        assert pd.send(notice()).status == "skipped"  # never tried again
    assert delivery.status == "abandoned" and status == DeliveryStatus.ABANDONED
    assert code in detail and words in detail and answer[1]["RequestId"] in detail
    assert detail.startswith("阿里云短信服务答复")
    assert len(aliyun.received) == 1


def test_aliyun_server_fault_is_tried_again(tmp_path: Path, aliyun: AliyunServer) -> None:
    aliyun.then(AliyunServer.UNAVAILABLE)
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice())
    assert delivery.status == "failed" and "ServiceUnavailable" in delivery.detail


def test_a_wrong_secret_is_refused_by_the_provider_and_tried_again_later(
        tmp_path: Path, aliyun: AliyunServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "not-the-secret")
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice())
    [request] = aliyun.received
    assert not request.signature_ok and request.problem == "SignatureDoesNotMatch"
    assert delivery.status == "failed" and "SignatureDoesNotMatch" in delivery.detail


def test_an_unreachable_endpoint_is_tried_again(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, ALIYUN_SECRET)
    url = closed_port_url()
    with office(tmp_path, aliyun_settings(url)) as pd:
        delivery = pd.send(notice())
    assert delivery.status == "failed"
    assert "无法连接阿里云短信服务 127.0.0.1:" in delivery.detail


def test_an_answer_that_is_not_the_providers_is_tried_again(tmp_path: Path,
                                                            aliyun: AliyunServer) -> None:
    aliyun.then((502, {"html": "<h1>Bad Gateway</h1>"}))
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice())
    assert delivery.status == "failed" and "HTTP 502" in delivery.detail


@pytest.mark.parametrize(("recipient", "words"), [
    ("1390553", "不是有效的手机号码"),
    ("0553-3831234", "不是手机号码"),
    ("400-888-8888", "不是手机号码"),
])
def test_a_number_that_is_not_a_mobile_abandons_the_notice_unsent(
        tmp_path: Path, aliyun: AliyunServer, recipient: str, words: str) -> None:
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice(("13905531234", recipient)))
    assert delivery.status == "abandoned"
    assert f"“{recipient}”" in delivery.detail and words in delivery.detail
    assert aliyun.received == []  # nobody got it: not even the valid number


def test_a_variable_too_long_abandons_the_notice_naming_type_and_variable(
        tmp_path: Path, aliyun: AliyunServer) -> None:
    name = "芜湖市" + "某" * 33  # 36 characters; Aliyun takes 35 per variable
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice(unit=name))
    assert delivery.status == "abandoned"
    assert delivery.detail == (f"“receipt”类通知的短信变量 unit 有 36 个字，超过阿里云每个变量"
                               f"最多 35 个字的限制：“{name}”")
    assert aliyun.received == []


def test_the_length_limit_is_a_setting(tmp_path: Path, aliyun: AliyunServer) -> None:
    name = "芜湖市" + "某" * 33
    with office(tmp_path, aliyun_settings(aliyun.url, max_variable_length=40)) as pd:
        assert pd.send(notice(unit=name)).status == "sent"
    assert json.loads(aliyun.received[0].fields["TemplateParam"]) == {"unit": name}


@pytest.mark.parametrize(("value", "link"), [
    ("详见 https://www.wuhu.gov.cn/xwfb", "https://"),
    ("请登录www.wuhu.gov.cn查看", "www."),
    ("点t.cn/A6abcd查看", "t.cn"),
    ("报送至whxwtg@163.com", "163.com"),
])
def test_a_variable_holding_a_link_abandons_the_notice_unsent(
        tmp_path: Path, aliyun: AliyunServer, value: str, link: str) -> None:
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice(unit="市统计局", note=value))
    assert delivery.status == "abandoned"
    assert "“receipt”类通知的短信变量 note 含有链接" in delivery.detail
    assert f"“{link}" in delivery.detail
    assert aliyun.received == []


@pytest.mark.parametrize("value", ["2021年6月30日 9:30", "1.5", "第3.2条", "市统计局",
                                   "0553-3831234", "Q&A"])
def test_ordinary_values_are_not_taken_for_links(value: str) -> None:
    assert find_link(value) is None


def test_a_notice_type_without_a_template_waits_for_the_configuration(
        tmp_path: Path, aliyun: AliyunServer) -> None:
    digest = notice(template="digest", key="digest:2021-06:sms")
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        waiting = pd.send(digest)
    assert waiting.status == "failed"  # nothing was sent: it goes once the template is set
    assert "“digest”类通知" in waiting.detail and "[notify.sms.templates]" in waiting.detail
    assert aliyun.received == []
    templates = {"receipt": "SMS_123456", "digest": "SMS_123458"}
    with office(tmp_path, aliyun_settings(aliyun.url, templates=templates)) as pd:
        assert pd.send(digest).status == "sent"
    assert aliyun.received[0].fields["TemplateCode"] == "SMS_123458"


def test_a_secret_not_set_in_the_environment_waits_unsent(
        tmp_path: Path, aliyun: AliyunServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV)
    with office(tmp_path, aliyun_settings(aliyun.url)) as pd:
        delivery = pd.send(notice())
    assert delivery.status == "failed" and SECRET_ENV in delivery.detail
    assert aliyun.received == []


def test_the_configuration_as_the_office_writes_it(tmp_path: Path,
                                                   aliyun: AliyunServer) -> None:
    config = tmp_path / "pressdocs.toml"
    config.write_text(f'''
[notify.sms]
provider = "aliyun"
access_key_id = "{ALIYUN_ID}"
access_key_secret = {{env = "{SECRET_ENV}"}}
sign_name = "芜湖市新闻办"
endpoint = "{aliyun.url}"

[notify.sms.templates]
receipt = "SMS_123456"
''', encoding="utf-8")
    with Pressdocs(config=config, store=tmp_path / "store", load_entry_points=False) as pd:
        assert pd.send(notice()).status == "sent"
        assert ALIYUN_SECRET not in pd.config.to_toml()
    assert aliyun.received[0].signature_ok


# --- the endpoint ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("sms-cert"))


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_https_endpoint_with_the_offices_ca_file(tmp_path: Path, cert: tuple[Path, Path],
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 provider: str) -> None:
    if provider == "aliyun":
        monkeypatch.setenv(SECRET_ENV, ALIYUN_SECRET)
        server: AliyunServer | TencentServer = AliyunServer({ALIYUN_ID: ALIYUN_SECRET}, cert)
        make = aliyun_settings
    else:
        monkeypatch.setenv(SECRET_ENV, TENCENT_SECRET)
        server = TencentServer({TENCENT_ID: TENCENT_SECRET}, cert)
        make = tencent_settings
    with server:
        assert server.url.startswith("https://127.0.0.1:")
        with office(tmp_path, make(server.url, ca_file=str(cert[0]))) as pd:
            assert pd.send(notice()).status == "sent"
        # without the CA the certificate does not verify: nothing is sent, tried again later
        with office(tmp_path / "no-ca", make(server.url)) as pd:
            refused = pd.send(notice(("13905531235",), key="receipt:S2:sms"))
    assert [r.signature_ok for r in server.received] == [True]
    assert refused.status == "failed"
    assert "证书无法验证" in refused.detail and "ca_file" in refused.detail


def test_plain_http_is_only_for_a_server_on_this_machine(tmp_path: Path,
                                                         aliyun: AliyunServer) -> None:
    with office(tmp_path, aliyun_settings("http://dysmsapi.aliyuncs.com/")) as pd:
        delivery = pd.send(notice())
    assert delivery.status == "failed"  # nothing left the machine; fixed, it goes out
    assert "只能用 https 地址" in delivery.detail
    refused = _refusal(aliyun_settings("http://dysmsapi.aliyuncs.com/"))
    assert "must be https" in refused.render("en")
    with office(tmp_path, aliyun_settings(aliyun.url.replace("127.0.0.1", "localhost"))) as pd:
        assert pd.send(notice()).status == "sent"


def test_the_endpoint_and_region_are_settings(tmp_path: Path, tencent: TencentServer) -> None:
    url = tencent.url + "sms/v3"
    with office(tmp_path, tencent_settings(url, region="ap-nanjing")) as pd:
        assert pd.send(notice()).status == "sent"
    [request] = tencent.received
    assert request.signature_ok, request.problem  # the path is part of what is signed
    assert request.path == "/sms/v3"
    assert request.headers["x-tc-region"] == "ap-nanjing"


def test_a_notice_type_may_go_out_under_its_own_sign_name(tmp_path: Path,
                                                          aliyun: AliyunServer) -> None:
    templates = {"receipt": "SMS_123456",
                 "digest": {"code": "SMS_123458", "sign_name": "芜湖发布"}}
    with office(tmp_path, aliyun_settings(aliyun.url, templates=templates)) as pd:
        assert pd.send(notice()).status == "sent"
        assert pd.send(notice(template="digest", key="digest:2021-06:sms")).status == "sent"
    assert [r.fields["SignName"] for r in aliyun.received] == ["芜湖市新闻办", "芜湖发布"]
    assert [r.fields["TemplateCode"] for r in aliyun.received] == ["SMS_123456", "SMS_123458"]
    typo = _refusal(aliyun_settings(aliyun.url, templates={"receipt": {"code": "SMS_1",
                                                                       "sign": "芜湖发布"}}))
    assert "templates.receipt.sign" in typo.render("zh") and "sign_name" in typo.render("en")


# --- settings --------------------------------------------------------------------------------


def _refusal(sms: dict[str, Any]) -> ChannelError:
    context = Context(config=config_from_dict({"notify": {"sms": sms}}))
    with pytest.raises(ChannelError) as refused:
        SmsChannel().send(notice(), context)
    return refused.value


def test_settings_mistakes_are_named_in_both_languages() -> None:
    url = "http://127.0.0.1:9/"
    typo = _refusal({**aliyun_settings(url), "sign": "芜湖市新闻办"})
    assert "notify.sms.sign" in typo.render("zh") and "sign_name" in typo.render("zh")
    assert "sign_name" in typo.render("en")
    provider = _refusal(aliyun_settings(url, provider="huawei"))
    assert '"aliyun"' in provider.render("en") and "huawei" in provider.render("zh")
    missing = {k: v for k, v in aliyun_settings(url).items() if k != "sign_name"}
    assert "notify.sms.sign_name" in _refusal(missing).render("zh")
    no_app = {k: v for k, v in tencent_settings(url).items() if k != "app_id"}
    assert "notify.sms.app_id" in _refusal(no_app).render("en")
    endpoint = _refusal(aliyun_settings("dysmsapi.aliyuncs.com"))
    assert "dysmsapi.aliyuncs.com" in endpoint.render("zh")
    assert "[notify.sms]" in _refusal({}).render("zh")


def test_a_secret_written_into_the_configuration_is_warned_about_and_hidden(
        caplog: pytest.LogCaptureFixture) -> None:
    # a literal secret still works (tests/hostile/test_secrets_and_output.py sends with one)
    config = config_from_dict({"notify": {"sms": aliyun_settings("http://127.0.0.1:9/",
                                                                 access_key_secret="s3cret-0553")}})
    assert "notify.sms.access_key_secret" in caplog.text and "PRESSDOCS_SMS_SECRET" in caplog.text
    assert "s3cret-0553" not in caplog.text and "s3cret-0553" not in str(config.redacted())
    config.notify["sms"]["access_key_secret"] = 553  # not a secret at all: refused
    with pytest.raises(ChannelError) as refused:
        SmsChannel().send(notice(), Context(config=config))
    assert "{env" in refused.value.render("en")


def test_sms_is_a_built_in_channel() -> None:
    plugins = load_plugins(entry_points=False)
    channel = plugins.registry.get(Channel, "sms")
    assert isinstance(channel, SmsChannel)
    info = plugins.info("pressdocs.builtin.channel_sms")
    assert info is not None and info.builtin and info.status == "loaded"


# --- Tencent -------------------------------------------------------------------------------


def test_tencent_sends_a_receipt_signed_with_tc3(tmp_path: Path, tencent: TencentServer) -> None:
    with office(tmp_path, tencent_settings(tencent.url)) as pd:
        delivery = pd.send(notice())
        assert pd.send(notice()).status == "skipped"
    assert delivery.status == "sent" and delivery.detail == "2645:1323165476116870497900000"
    [request] = tencent.received
    assert request.signature_ok, request.problem
    assert request.fields == {"PhoneNumberSet": ["+8613905531234"], "SmsSdkAppId": "1400006666",
                              "SignName": "芜湖市新闻办", "TemplateId": "1110",
                              "TemplateParamSet": ["市统计局", "3", "2021年6月30日"]}
    headers = request.headers
    assert (headers["x-tc-action"], headers["x-tc-version"], headers["x-tc-region"]) == \
        ("SendSms", "2021-01-11", "ap-guangzhou")
    assert headers["authorization"].startswith(f"TC3-HMAC-SHA256 Credential={TENCENT_ID}/")
    assert TENCENT_SECRET.encode() not in request.body


@pytest.mark.parametrize("answer", [
    TencentServer.error("RequestLimitExceeded", "请求的次数超过了频率限制。"),
    TencentServer.per_number({"+8613905531234": (
        "LimitExceeded.PhoneNumberThirtySecondLimit", "单个手机号30秒内下发短信条数超过设定的上限")}),
])
def test_tencent_throttling_is_tried_again_later_and_then_sent(
        tmp_path: Path, tencent: TencentServer, answer: Any) -> None:
    tencent.then(answer)
    with office(tmp_path, tencent_settings(tencent.url)) as pd:
        first = pd.send(notice())
        second = pd.send(notice())
    assert first.status == "failed" and "LimitExceeded" in first.detail
    assert second.status == "sent"
    assert [r.signature_ok for r in tencent.received] == [True, True]


@pytest.mark.parametrize(("answer", "code"), [
    (TencentServer.per_number({"+8613905531234": (
        "FailedOperation.TemplateIncorrectOrUnapproved",
        "模板未审批或请求的内容与审核通过的模板内容不匹配")}),
     "FailedOperation.TemplateIncorrectOrUnapproved"),
    (TencentServer.error("InvalidParameterValue.TemplateParameterFormatError",
                         "验证码模板参数格式错误"),
     "InvalidParameterValue.TemplateParameterFormatError"),
    (TencentServer.error("FailedOperation.SignatureIncorrectOrUnapproved",
                         "签名未审批或格式错误"),
     "FailedOperation.SignatureIncorrectOrUnapproved"),
])
def test_tencent_refusals_abandon_the_notice_with_the_answer_kept(
        tmp_path: Path, tencent: TencentServer, answer: Any, code: str) -> None:
    tencent.then(answer)
    with office(tmp_path, tencent_settings(tencent.url)) as pd:
        delivery = pd.send(notice())
        assert stored(pd, notice().key) == (DeliveryStatus.ABANDONED, delivery.detail)
    assert delivery.status == "abandoned"
    assert code in delivery.detail and "腾讯云短信服务" in delivery.detail


def test_tencent_partial_delivery_is_abandoned_not_sent_twice(tmp_path: Path,
                                                             tencent: TencentServer) -> None:
    tencent.then(TencentServer.per_number({"+8613905531235": (
        "LimitExceeded.PhoneNumberDailyLimit", "单个手机号日下发短信条数超过设定的上限")}))
    with office(tmp_path, tencent_settings(tencent.url)) as pd:
        delivery = pd.send(notice(("13905531234", "13905531235")))
        assert pd.send(notice(("13905531234", "13905531235"))).status == "skipped"
    assert delivery.status == "abandoned"
    assert "已发送 +8613905531234" in delivery.detail
    assert "+8613905531235 LimitExceeded.PhoneNumberDailyLimit" in delivery.detail
    assert len(tencent.received) == 1


def test_tencent_wrong_secret_is_refused_and_tried_again_later(
        tmp_path: Path, tencent: TencentServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "not-the-secret")
    with office(tmp_path, tencent_settings(tencent.url)) as pd:
        delivery = pd.send(notice())
    assert tencent.received[0].problem == "AuthFailure.SignatureFailure"
    assert delivery.status == "failed" and "AuthFailure.SignatureFailure" in delivery.detail


def test_tencent_numbered_variables_go_in_their_order(tmp_path: Path,
                                                      tencent: TencentServer) -> None:
    settings = tencent_settings(tencent.url, templates={"receipt": "1110"})
    with office(tmp_path, settings) as pd:
        sms = {"2": "3", "10": "6月30日", "1": "市统计局"}
        assert pd.send(notice(**sms)).status == "sent"
    assert tencent.received[0].fields["TemplateParamSet"] == ["市统计局", "3", "6月30日"]


def test_tencent_named_variables_need_their_order_in_the_configuration(
        tmp_path: Path, tencent: TencentServer) -> None:
    settings = tencent_settings(tencent.url, templates={"receipt": "1110"})
    with office(tmp_path, settings) as pd:
        delivery = pd.send(notice())
    assert delivery.status == "failed"  # the order is configuration: fixed, it goes out
    assert "params" in delivery.detail and "{1}" in delivery.detail
    assert tencent.received == []


def test_tencent_default_variable_limit_is_twelve(tmp_path: Path,
                                                  tencent: TencentServer) -> None:
    name = "芜湖市人力资源和社会保障局"  # 13
    with office(tmp_path, tencent_settings(tencent.url)) as pd:
        delivery = pd.send(notice(unit=name, count="3", date="6月30日"))
    assert delivery.status == "abandoned" and "最多 12 个字" in delivery.detail
    assert "腾讯云" in delivery.detail
    assert tencent.received == []
