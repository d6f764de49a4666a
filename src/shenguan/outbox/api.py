"""HTTP API of the outbox: webhook endpoints and deliveries for the system administrator, and
the caller's own notifications.

Handlers are thin: reads go through selectors (another jurisdiction's object answers 404),
writes through services (which check the permission: 403). A signing secret is returned only by
the create and rotate-secret operations.
"""

from ninja import Query, Router, Status

from shenguan.core.api_errors import error_responses
from shenguan.core.errors import PermissionDenied
from shenguan.core.pagination import Page, PageParams, paginate
from shenguan.org import selectors as org_selectors
from shenguan.org.roles import Perm

from . import selectors, services
from .schemas import (
    CountOut,
    DeliveryDetail,
    DeliveryFilters,
    DeliveryOut,
    EndpointCreated,
    EndpointDisableIn,
    EndpointFilters,
    EndpointIn,
    EndpointOut,
    EndpointPatch,
    EndpointSecret,
    NotificationFilters,
    NotificationOut,
    PingOut,
)

router = Router(tags=["outbox"])

READ = error_responses(403)
DETAIL = error_responses(403, 404)
WRITE = error_responses(400, 403, 404, 409)


def _require_manage(request) -> None:
    """Webhook pages and data are for the system administrator (Perm.WEBHOOK_MANAGE)."""
    if not request.auth.can(Perm.WEBHOOK_MANAGE):
        raise PermissionDenied("forbidden", "无权管理 Webhook 订阅")


# --- endpoints ---------------------------------------------------------------------------------


@router.get("/endpoints", response={200: Page[EndpointOut], **READ}, summary="Webhook 订阅列表")
def endpoint_list(request, filters: Query[EndpointFilters], page: Query[PageParams]):
    """Endpoints of the caller's jurisdictions."""
    _require_manage(request)
    qs = selectors.webhook_endpoint_list(user=request.auth, filters=filters.dict())
    return paginate(qs.order_by("id"), page)


@router.get(
    "/endpoints/{int:endpoint_id}",
    response={200: EndpointOut, **DETAIL},
    summary="Webhook 订阅详情",
)
def endpoint_detail(request, endpoint_id: int):
    """One endpoint (its secret is not shown)."""
    _require_manage(request)
    return selectors.webhook_endpoint_get(user=request.auth, pk=endpoint_id)


@router.post("/endpoints", response={201: EndpointCreated, **WRITE}, summary="新增 Webhook 订阅")
def endpoint_create(request, payload: EndpointIn):
    """Create an endpoint; the answer carries the signing secret, shown this once."""
    _require_manage(request)
    dept = org_selectors.department_get(user=request.auth, pk=payload.department_id)
    ep = services.webhook_endpoint_create(
        actor=request.auth,
        department=dept,
        url=payload.url,
        event_types=payload.event_types,
        description=payload.description,
    )
    return Status(201, ep)


@router.patch(
    "/endpoints/{int:endpoint_id}",
    response={200: EndpointOut, **WRITE},
    summary="修改 Webhook 订阅",
)
def endpoint_update(request, endpoint_id: int, payload: EndpointPatch):
    """Change the address, the subscribed events or the description."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.auth, pk=endpoint_id)
    return services.webhook_endpoint_update(
        actor=request.auth,
        endpoint=ep,
        url=payload.url,
        event_types=payload.event_types,
        description=payload.description,
    )


@router.post(
    "/endpoints/{int:endpoint_id}/disable",
    response={200: EndpointOut, **WRITE},
    summary="停用 Webhook 订阅",
)
def endpoint_disable(request, endpoint_id: int, payload: EndpointDisableIn):
    """Stop an endpoint; its pending deliveries are cancelled."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.auth, pk=endpoint_id)
    return services.webhook_endpoint_disable(actor=request.auth, endpoint=ep, reason=payload.reason)


@router.post(
    "/endpoints/{int:endpoint_id}/enable",
    response={200: EndpointOut, **WRITE},
    summary="启用 Webhook 订阅",
)
def endpoint_enable(request, endpoint_id: int):
    """Start a stopped endpoint again."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.auth, pk=endpoint_id)
    return services.webhook_endpoint_enable(actor=request.auth, endpoint=ep)


@router.post(
    "/endpoints/{int:endpoint_id}/rotate-secret",
    response={200: EndpointSecret, **WRITE},
    summary="更换签名密钥",
)
def endpoint_rotate_secret(request, endpoint_id: int):
    """Issue a new secret (shown this once); the old one still signs for 24 hours."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.auth, pk=endpoint_id)
    return services.webhook_endpoint_rotate_secret(actor=request.auth, endpoint=ep)


@router.post(
    "/endpoints/{int:endpoint_id}/ping", response={202: PingOut, **WRITE}, summary="发送测试推送"
)
def endpoint_ping(request, endpoint_id: int):
    """Queue the test event "webhook.ping" for this endpoint only."""
    _require_manage(request)
    ep = selectors.webhook_endpoint_get(user=request.auth, pk=endpoint_id)
    d = services.webhook_ping(actor=request.auth, endpoint=ep)
    return Status(202, {"delivery_id": d.pk, "message_id": d.event.message_id, "status": d.status})


# --- deliveries --------------------------------------------------------------------------------


@router.get("/deliveries", response={200: Page[DeliveryOut], **READ}, summary="投递记录列表")
def delivery_list(request, filters: Query[DeliveryFilters], page: Query[PageParams]):
    """Deliveries of the caller's jurisdictions, newest first."""
    _require_manage(request)
    qs = selectors.delivery_list(user=request.auth, filters=filters.dict())
    return paginate(qs, page)


@router.get(
    "/deliveries/{int:delivery_id}",
    response={200: DeliveryDetail, **DETAIL},
    summary="投递详情（含尝试记录）",
)
def delivery_detail(request, delivery_id: int):
    """One delivery with its event content and every attempt."""
    _require_manage(request)
    return selectors.delivery_get(user=request.auth, pk=delivery_id)


@router.post(
    "/deliveries/{int:delivery_id}/replay", response={200: DeliveryOut, **WRITE}, summary="重新投递"
)
def delivery_replay(request, delivery_id: int):
    """Queue a dead or cancelled delivery again with a fresh attempt budget (audited)."""
    _require_manage(request)
    d = selectors.delivery_get(user=request.auth, pk=delivery_id)
    services.delivery_replay(actor=request.auth, delivery=d)
    return selectors.delivery_get(user=request.auth, pk=delivery_id)


# --- notifications -----------------------------------------------------------------------------


@router.get("/notifications", response={200: Page[NotificationOut], **READ}, summary="我的站内通知")
def notification_list(request, filters: Query[NotificationFilters], page: Query[PageParams]):
    """The caller's notifications, newest first (only the unread ones if asked)."""
    qs = selectors.notification_list(user=request.auth, unread_only=filters.unread)
    return paginate(qs, page)


@router.get("/notifications/unread-count", response={200: CountOut, **READ}, summary="未读通知数")
def notification_unread_count(request):
    """How many of the caller's notifications are unread."""
    return {"count": selectors.notification_unread_count(user=request.auth)}


@router.post(
    "/notifications/{int:notification_id}/read",
    response={200: NotificationOut, **WRITE},
    summary="标记通知已读",
)
def notification_read(request, notification_id: int):
    """Mark one of the caller's notifications read (another user's answers 404)."""
    n = selectors.notification_get(user=request.auth, pk=notification_id)
    return services.notification_mark_read(actor=request.auth, notification=n)


@router.post("/notifications/read-all", response={200: CountOut, **WRITE}, summary="全部标记已读")
def notification_read_all(request):
    """Mark every unread notification of the caller read."""
    return {"count": services.notification_mark_all_read(actor=request.auth)}
