"""SMS gateways for the tests, selected through SHENGUAN_SMS_GATEWAY."""

from __future__ import annotations

from shenguan.outbox.channels import SmsError

SENT: list[dict] = []


class RecordingGateway:
    """Records every message; a phone ending in 0 is refused, one ending in 9 breaks the gateway."""

    def send(self, *, phone: str, text: str, message_id: str) -> None:
        if phone.endswith("0"):
            raise SmsError("网关拒绝")
        if phone.endswith("9"):
            raise RuntimeError("gateway crashed")
        SENT.append({"phone": phone, "text": text, "message_id": message_id})
