"""Permission-matrix cases of the audit trail: API, viewer pages and the CSV export."""

from __future__ import annotations

from shenguan.audit.services import audit_record
from shenguan.org.roles import Role

from .registry import Case, api_items_contain, in_reach, register, text_contains, unique


def make_event(world, dept):
    """An audit event attributed to the department and its jurisdiction."""
    return audit_record(
        actor=None,
        action="matrix.probe",
        obj=("matrix.thing", unique("e")),
        jurisdiction_id=dept.jurisdiction_id,
        department_id=dept.pk,
    )


def event_visible(actor, ev, world):
    """The audit administrator reads the events of its reach; nobody else reads any."""
    from shenguan.org.models import Jurisdiction

    return actor.has(Role.AUDIT_ADMIN) and in_reach(
        actor, Jurisdiction.objects.get(pk=ev.jurisdiction_id)
    )


def auditor(actor) -> bool:
    return actor.has(Role.AUDIT_ADMIN)


def _filter(ev) -> str:
    return f"action=matrix.probe&object_id={ev.object_id}"


register(
    Case(
        name="audit.api.event.list",
        kind="list",
        channel="api",
        url=lambda ev: f"/api/v1/audit/events?{_filter(ev)}",
        make=make_event,
        visible=event_visible,
        allowed=auditor,
        present=api_items_contain("seq", lambda ev: ev.seq),
    )
)
register(
    Case(
        name="audit.api.event.detail",
        kind="detail",
        channel="api",
        url=lambda ev: f"/api/v1/audit/events/{ev.seq}",
        make=make_event,
        visible=event_visible,
        allowed=auditor,
    )
)
register(
    Case(
        name="audit.page.event.list",
        kind="list",
        channel="page",
        url=lambda ev: f"/audit/?{_filter(ev)}",
        make=make_event,
        visible=event_visible,
        allowed=auditor,
        present=text_contains(lambda ev: f'data-seq="{ev.seq}"'),
    )
)
register(
    Case(
        name="audit.page.event.detail",
        kind="detail",
        channel="page",
        url=lambda ev: f"/audit/events/{ev.seq}/",
        make=make_event,
        visible=event_visible,
        allowed=auditor,
    )
)
register(
    Case(
        name="audit.page.export",
        kind="export",
        channel="page",
        url=lambda ev: f"/audit/export.csv?{_filter(ev)}",
        make=make_event,
        visible=event_visible,
        allowed=auditor,
        present=text_contains(lambda ev: f",matrix.probe,matrix.thing,{ev.object_id},"),
    )
)
