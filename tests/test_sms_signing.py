"""The SMS signing reproduces the worked examples the providers publish, exactly.

Each vector is the documented input and the documented result, copied from the
provider's own page (cited at each).  The same vectors also check the independent
verifiers of the loopback servers (tests/smsservers.py), so that the servers in the
channel's tests are known to judge signatures the way the providers do.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pressdocs.builtin.channel_sms import aliyun, tencent
from smsservers import aliyun_expected_signature, tc3_expected_signature

# --- Aliyun: 短信服务 › 签名机制 ------------------------------------------------------------

#: Aliyun SMS, "签名机制" (https://help.aliyun.com/document_detail/101343.html): the
#: worked example of SendSms with AccessKeyId "testId", AccessKeySecret "testSecret".
ALIYUN_SMS_PARAMS = {
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "AccessKeyId": "testId",
    "SignatureVersion": "1.0",
    "Timestamp": "2017-07-12T02:42:19Z",
    "Format": "XML",
    "Action": "SendSms",
    "Version": "2017-05-25",
    "RegionId": "cn-hangzhou",
    "PhoneNumbers": "15300000001",
    "SignName": "阿里云短信测试专用",
    "TemplateParam": '{"customer":"test"}',
    "TemplateCode": "SMS_71390007",
    "OutId": "123",
}
ALIYUN_SMS_SORTED_QUERY = (
    "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001"
    "&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B"
    "%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1"
    "&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
    "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D"
    "&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25")
ALIYUN_SMS_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123"
    "%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF"
    "%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF"
    "%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce"
    "%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode"
    "%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D"
    "%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25")
ALIYUN_SMS_SIGNATURE = "zJDF+Lrzhj/ThnlvIToysFRq6t4="
ALIYUN_SMS_SIGNATURE_IN_URL = "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D"

#: Alibaba Cloud RPC "Request signature" (ECS, https://www.alibabacloud.com/help/doc-detail/25492.htm,
#: and every product's copy of it): DescribeRegions with AccessKeyId "testid",
#: AccessKeySecret "testsecret" and the parameter spelt "TimeStamp" as the page spells it.
#: (The page prints its StringToSign with bare "&" between pairs, a typesetting slip: the
#: signature it gives is that of the string encoded as step 2 says.)
ALIYUN_RPC_PARAMS = {
    "TimeStamp": "2016-02-23T12:46:24Z",
    "Format": "XML",
    "AccessKeyId": "testid",
    "Action": "DescribeRegions",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
    "Version": "2014-05-26",
    "SignatureVersion": "1.0",
}
ALIYUN_RPC_SIGNATURE = "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_aliyun_sms_example_query_string_to_sign_and_signature() -> None:
    assert aliyun.canonicalized_query(ALIYUN_SMS_PARAMS) == ALIYUN_SMS_SORTED_QUERY
    assert aliyun.string_to_sign("GET", ALIYUN_SMS_PARAMS) == ALIYUN_SMS_STRING_TO_SIGN
    signature = aliyun.signature("testSecret", "GET", ALIYUN_SMS_PARAMS)
    assert signature == ALIYUN_SMS_SIGNATURE
    assert aliyun.percent_encode(signature) == ALIYUN_SMS_SIGNATURE_IN_URL


def test_aliyun_rpc_example_signature() -> None:
    assert aliyun.signature("testsecret", "GET", ALIYUN_RPC_PARAMS) == ALIYUN_RPC_SIGNATURE


def test_aliyun_percent_encoding_follows_rfc_3986_not_forms() -> None:
    """The documentation's rules: space %20 (not +), * encoded, ~ kept, UTF-8 bytes."""
    assert aliyun.percent_encode("a b*c~d-_.") == "a%20b%2Ac~d-_."
    assert aliyun.percent_encode("+/=") == "%2B%2F%3D"
    assert aliyun.percent_encode("办") == "%E5%8A%9E"


def test_a_changed_parameter_changes_the_aliyun_signature() -> None:
    changed = {**ALIYUN_SMS_PARAMS, "PhoneNumbers": "15300000002"}
    assert aliyun.signature("testSecret", "GET", changed) != ALIYUN_SMS_SIGNATURE
    assert aliyun.signature("testSecret", "POST", ALIYUN_SMS_PARAMS) != ALIYUN_SMS_SIGNATURE


@pytest.mark.parametrize(("params", "secret", "expected"), [
    (ALIYUN_SMS_PARAMS, "testSecret", ALIYUN_SMS_SIGNATURE),
    (ALIYUN_RPC_PARAMS, "testsecret", ALIYUN_RPC_SIGNATURE),
])
def test_the_loopback_aliyun_verifier_agrees_with_the_examples(
        params: dict[str, str], secret: str, expected: str) -> None:
    assert aliyun_expected_signature("GET", params, secret) == expected


# --- Tencent: 签名方法 v3 --------------------------------------------------------------------

#: Tencent Cloud API 3.0, "签名方法 v3" / "Signature v3"
#: (https://cloud.tencent.com/document/api/400/37390, https://cloud.tencent.com/document/product/215/36792;
#: in English e.g. https://tencentcloud.com/document/api/266/34114): CVM DescribeInstances
#: in ap-guangzhou, SecretId "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
#: SecretKey "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", X-TC-Timestamp 1551113065.
TC3_SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
TC3_SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
TC3_TIMESTAMP = 1551113065
TC3_PAYLOAD = (b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], '
               b'"Name": "instance-name"}]}')
TC3_HEADERS = {"Content-Type": "application/json; charset=utf-8",
               "Host": "cvm.tencentcloudapi.com"}
TC3_PAYLOAD_HASH = "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
TC3_CANONICAL_REQUEST = ("POST\n/\n\ncontent-type:application/json; charset=utf-8\n"
                         "host:cvm.tencentcloudapi.com\n\ncontent-type;host\n" + TC3_PAYLOAD_HASH)
TC3_STRING_TO_SIGN = ("TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
                      "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031")
TC3_SIGNATURE = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
TC3_AUTHORIZATION = (
    "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request,"
    " SignedHeaders=content-type;host, Signature=" + TC3_SIGNATURE)


def test_tencent_example_canonical_request() -> None:
    assert hashlib.sha256(TC3_PAYLOAD).hexdigest() == TC3_PAYLOAD_HASH
    canonical, signed = tencent.canonical_request("POST", "/", "", TC3_HEADERS, TC3_PAYLOAD)
    assert canonical == TC3_CANONICAL_REQUEST
    assert signed == "content-type;host"


def test_tencent_example_string_to_sign_uses_the_utc_date() -> None:
    """1551113065 is 2019-02-26 00:44:25 in Beijing but 2019-02-25 in UTC: the page warns
    that the scope's date is the UTC one."""
    assert tencent.string_to_sign(TC3_TIMESTAMP, "cvm", TC3_CANONICAL_REQUEST) == \
        TC3_STRING_TO_SIGN


def test_tencent_example_signature_and_authorization() -> None:
    assert tencent.signature(TC3_SECRET_KEY, TC3_TIMESTAMP, "cvm", TC3_STRING_TO_SIGN) == \
        TC3_SIGNATURE
    assert tencent.authorization(TC3_SECRET_ID, TC3_SECRET_KEY, service="cvm",
                                 timestamp=TC3_TIMESTAMP, headers=TC3_HEADERS,
                                 payload=TC3_PAYLOAD) == TC3_AUTHORIZATION


def test_the_loopback_tencent_verifier_agrees_with_the_example() -> None:
    assert tc3_expected_signature(TC3_SECRET_KEY, "2019-02-25", "cvm", TC3_CANONICAL_REQUEST,
                                  str(TC3_TIMESTAMP)) == TC3_SIGNATURE


def test_a_changed_body_changes_the_tencent_signature() -> None:
    other = tencent.authorization(TC3_SECRET_ID, TC3_SECRET_KEY, service="cvm",
                                  timestamp=TC3_TIMESTAMP, headers=TC3_HEADERS,
                                  payload=TC3_PAYLOAD.replace(b"1", b"2", 1))
    assert other != TC3_AUTHORIZATION


# --- two implementations, one answer --------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(params=st.dictionaries(_TEXT.filter(lambda k: k and k != "Signature"), _TEXT,
                              min_size=1, max_size=12),
       secret=_TEXT, method=st.sampled_from(["GET", "POST"]))
@example(params={"SignName": "芜湖 市+新闻办*~%20😀", "TemplateParam": '{"a":"b c"}'},
         secret="s&k=", method="POST")
def test_aliyun_signing_agrees_with_the_independent_verifier_on_any_parameters(
        params: dict[str, str], secret: str, method: str) -> None:
    """Chinese, spaces, +, *, ~, % and emoji alike: the channel and the loopback server's
    reading of the documentation sign the same."""
    assert aliyun.signature(secret, method, params) == \
        aliyun_expected_signature(method, params, secret)


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=300), secret=_TEXT,
       timestamp=st.integers(min_value=0, max_value=4_102_444_800),
       host=st.from_regex(r"[a-z0-9.-]{1,30}(:[0-9]{1,5})?", fullmatch=True))
@example(body='{"SignName": "芜湖市新闻办"}'.encode(), secret="密钥", timestamp=1551113065,
         host="127.0.0.1:8443")
def test_tencent_signing_agrees_with_the_independent_verifier_on_any_body(
        body: bytes, secret: str, timestamp: int, host: str) -> None:
    headers = {"Content-Type": tencent.CONTENT_TYPE, "Host": host}
    auth = tencent.authorization("AKIDx", secret, service="sms", timestamp=timestamp,
                                 headers=headers, payload=body)
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(["POST", "/", "", f"content-type:{tencent.CONTENT_TYPE}\nhost:{host}\n",
                           "content-type;host", hashlib.sha256(body).hexdigest()])
    expected = tc3_expected_signature(secret, day, "sms", canonical, str(timestamp))
    assert auth == (f"TC3-HMAC-SHA256 Credential=AKIDx/{day}/sms/tc3_request, "
                    f"SignedHeaders=content-type;host, Signature={expected}")
