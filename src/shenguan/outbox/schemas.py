"""API schemas of the outbox: webhook endpoints, deliveries with attempts, notifications."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from shenguan.core.masking import mask_document

from .models import Channel, DeliveryStatus

# --- webhook endpoints -------------------------------------------------------------------------


class EndpointOut(Schema):
    """A webhook endpoint (Webhook 订阅); its secret is never shown again, only a hint."""

    id: int
    jurisdiction_id: int
    department_id: int
    department_name: str
    url: str
    event_types: list[str] = Field(description="订阅的事件类型；空表示全部事件")
    description: str
    active: bool
    disabled_reason: str
    disabled_at: dt.datetime | None
    secret_hint: str = Field(description="签名密钥的末四位提示")
    previous_secret_until: dt.datetime | None = Field(
        description="更换密钥后旧密钥仍同时签名至此时间"
    )
    personal_data: Literal["masked", "full"] = Field(
        description="身份证号和手机号的发送方式：masked 脱敏，full 完整（仅限持有查看完整个人信息"
        "权限的部门，创建订阅时由平台确定）"
    )
    personal_data_decided_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class EndpointCreated(EndpointOut):
    """A new endpoint with its signing secret, shown this once."""

    secret: str = Field(description="签名密钥（whsec_…），只在此次返回")


class EndpointSecret(Schema):
    """A new signing secret after a rotation, shown this once."""

    id: int
    secret: str = Field(description="新的签名密钥（whsec_…），只在此次返回")
    secret_hint: str
    previous_secret_until: dt.datetime | None


class EndpointIn(Schema):
    """A new webhook endpoint (新增 Webhook 订阅)."""

    department_id: int = Field(description="部门ID")
    url: str = Field(max_length=500, description="接收地址（http:// 或 https://）")
    event_types: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="订阅的事件类型，如 org.* 或 webhook.ping；空表示全部事件",
    )
    description: str = Field("", max_length=200)


class EndpointPatch(Schema):
    """Changes to an endpoint (修改 Webhook 订阅); absent fields stay as they are."""

    url: str | None = Field(None, max_length=500)
    event_types: list[str] | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=200)


class EndpointDisableIn(Schema):
    """Why an endpoint is stopped."""

    reason: str = Field("", max_length=200, description="停用原因")


class EndpointFilters(Schema):
    """Filters of the endpoint list."""

    department_id: int | None = Field(None, description="部门ID")
    active: bool | None = Field(None, description="是否启用")


class PingOut(Schema):
    """The delivery queued by a test ping."""

    delivery_id: int
    message_id: str = Field(description="webhook-id")
    status: DeliveryStatus


# --- deliveries --------------------------------------------------------------------------------


class DeliveryOut(Schema):
    """One delivery of an event to one target (投递)."""

    id: int
    jurisdiction_id: int
    event_type: str
    message_id: str = Field(description="webhook-id，重试时不变")
    channel: Channel
    endpoint_id: int | None
    status: DeliveryStatus
    attempts: int = Field(description="本轮（最近一次重新投递以来）尝试次数")
    attempts_total: int = Field(description="累计尝试次数")
    next_attempt_at: dt.datetime
    last_status_code: int | None
    last_error: str
    delivered_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_event_type(obj) -> str:
        return obj.event.event_type

    @staticmethod
    def resolve_message_id(obj) -> str:
        return obj.event.message_id


class AttemptOut(Schema):
    """One attempt (投递记录)."""

    number: int
    at: dt.datetime
    duration_ms: int
    status_code: int | None
    ok: bool
    error: str
    response_excerpt: str
    worker: str


class DeliveryDetail(DeliveryOut):
    """A delivery with its event content and target (ID and phone numbers masked: the
    receiving system gets them in full) and every attempt."""

    payload: dict
    target: dict
    tries: list[AttemptOut]

    @staticmethod
    def resolve_payload(obj) -> dict:
        return mask_document(obj.event.payload)

    @staticmethod
    def resolve_target(obj) -> dict:
        return mask_document(obj.target)

    @staticmethod
    def resolve_tries(obj) -> list:
        return list(obj.tries.all())


class DeliveryFilters(Schema):
    """Filters of the delivery list."""

    status: DeliveryStatus | None = Field(None, description="状态")
    channel: Channel | None = Field(None, description="渠道")
    endpoint_id: int | None = Field(None, description="订阅ID")
    event_type: str | None = Field(None, max_length=64, description="事件类型，可用 org.* 匹配一类")


# --- notifications -----------------------------------------------------------------------------


class NotificationOut(Schema):
    """An in-app notification (站内通知) of the caller."""

    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationFilters(Schema):
    """Filters of the caller's notifications."""

    unread: bool = Field(False, description="只返回未读通知")


class CountOut(Schema):
    """A count."""

    count: int
