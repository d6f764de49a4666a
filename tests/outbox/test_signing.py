"""Standard Webhooks signatures, checked against the published test vector and the independent
`standardwebhooks` package (the reference implementation) in both directions."""

from __future__ import annotations

import base64
import datetime as dt
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from shenguan.outbox import signing

# The test vector of the Standard Webhooks reference libraries (test_sign_function).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TS = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_published_vector():
    assert signing.sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TS, VECTOR_BODY) == VECTOR_SIG


def test_published_vector_verifies_at_its_time():
    signing.verify(
        VECTOR_SECRET, VECTOR_ID, str(VECTOR_TS), VECTOR_BODY, VECTOR_SIG, now=VECTOR_TS + 10
    )
    with pytest.raises(signing.SignatureError):
        signing.verify(
            VECTOR_SECRET,
            VECTOR_ID,
            str(VECTOR_TS),
            VECTOR_BODY + b" ",
            VECTOR_SIG,
            now=VECTOR_TS + 10,
        )


def test_generated_secret_format():
    s = signing.secret_generate()
    assert s.startswith("whsec_")
    assert len(base64.b64decode(s.removeprefix("whsec_"))) == 32
    assert signing.secret_is_valid(s)
    assert signing.secret_generate() != s
    for n in (24, 64):
        assert len(signing.secret_bytes(signing.secret_generate(n))) == n
    for n in (23, 65):
        with pytest.raises(ValueError):
            signing.secret_generate(n)
    assert not signing.secret_is_valid("whsec_" + base64.b64encode(b"x" * 10).decode())
    assert not signing.secret_is_valid("nope")


def test_our_signature_verifies_with_the_reference_library():
    secret = signing.secret_generate()
    body = '{"type":"org.department.created","data":{"名称":"市场监督管理局"}}'.encode()
    ts = int(time.time())
    hdrs = signing.headers([secret], "msg_abc", ts, body)
    assert Webhook(secret).verify(body, hdrs)["data"]["名称"] == "市场监督管理局"
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.secret_generate()).verify(body, hdrs)


def test_reference_signature_verifies_with_ours():
    secret = signing.secret_generate(48)
    body = b'{"a":1}'
    now = dt.datetime.now(dt.UTC)
    sig = Webhook(secret).sign("msg_1", now, body.decode())
    signing.verify(secret, "msg_1", str(int(now.timestamp())), body, sig)
    with pytest.raises(signing.SignatureError):
        signing.verify(secret, "msg_2", str(int(now.timestamp())), body, sig)


def test_several_signatures_any_one_matches():
    old, new = signing.secret_generate(), signing.secret_generate()
    body, ts = b"{}", int(time.time())
    header = signing.signature_header([new, old], "msg_x", ts, body)
    assert len(header.split(" ")) == 2
    signing.verify(old, "msg_x", ts, body, header)
    signing.verify(new, "msg_x", ts, body, header)
    # the reference library accepts the same header with either secret
    hdrs = {"webhook-id": "msg_x", "webhook-timestamp": str(ts), "webhook-signature": header}
    Webhook(old).verify(body, hdrs)
    Webhook(new).verify(body, hdrs)
    # unknown versions and garbage are skipped, not fatal
    good = signing.sign(new, "msg_x", ts, body)
    signing.verify(new, "msg_x", ts, body, f"v2,abc v1,!!! nonsense {good}")


def test_timestamp_tolerance_is_five_minutes():
    secret, body = signing.secret_generate(), b"{}"
    now = 1_800_000_000
    for skew, ok in ((-299, True), (299, True), (-301, False), (301, False)):
        sig = signing.sign(secret, "msg_t", now + skew, body)
        if ok:
            signing.verify(secret, "msg_t", now + skew, body, sig, now=now)
        else:
            with pytest.raises(signing.SignatureError):
                signing.verify(secret, "msg_t", now + skew, body, sig, now=now)


@pytest.mark.parametrize("ts,sig", [("", "v1,x"), ("abc", "v1,x"), ("1", "")])
def test_bad_headers_refused(ts, sig):
    with pytest.raises(signing.SignatureError):
        signing.verify(signing.secret_generate(), "msg_1", ts, b"{}", sig)


def test_message_id_with_dot_refused():
    with pytest.raises(ValueError):
        signing.sign(signing.secret_generate(), "msg.1", 1, b"{}")
