"""Published versions of the linkage list (清单版本发布)."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction

from shenguan.audit.services import audit_record
from shenguan.core.errors import ValidationFailed
from shenguan.core.serialize import snapshot
from shenguan.org.models import Jurisdiction
from shenguan.outbox.services import outbox_emit

from ..handling import live_entries_q
from ..models import (
    LinkageEntry,
    LinkageListVersion,
    LinkageVersionEntry,
)
from ..validators import (
    clean_text,
)
from .common import _require_manage, _today


def list_publish(
    *,
    actor,
    jurisdiction: Jurisdiction,
    title: str,
    published_on: dt.date | None = None,
    note: str = "",
) -> LinkageListVersion:
    """Publish the linkage list as a dated version (公布审管联动事项清单, 002 §9): it holds the
    entries live on the publication date; earlier versions stay readable."""
    _require_manage(actor, jurisdiction.pk)
    title = clean_text(title, "title", "标题", 200, required=True)
    note = clean_text(note, "note", "说明", 500)
    published_on = published_on or _today()
    with transaction.atomic():
        # lock the jurisdiction's versions by locking the jurisdiction row
        Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
        last = (
            LinkageListVersion.objects.filter(jurisdiction=jurisdiction).order_by("-number").first()
        )
        if last is not None and published_on < last.published_on:
            raise ValidationFailed("bad_published_on", "公布日期不得早于上一版本", "published_on")
        live = LinkageEntry.objects.filter(jurisdiction=jurisdiction).filter(
            live_entries_q(published_on)
        )
        count = live.count()
        if not count:
            raise ValidationFailed("empty_list", "清单中没有生效的联动事项，无法公布", None)
        version = LinkageListVersion.objects.create(
            jurisdiction=jurisdiction,
            number=(last.number + 1) if last else 1,
            published_on=published_on,
            title=title,
            note=note,
            entry_count=count,
            published_by_id=actor.pk
            if actor is not None and getattr(actor, "kind", "") == "user"
            else None,
        )
        # one set-based INSERT … SELECT: a version may hold tens of thousands of entries
        qn = connection.ops.quote_name
        day = connection.ops.adapt_datefield_value(published_on)
        with connection.cursor() as cur:
            cur.execute(
                f"INSERT INTO {qn(LinkageVersionEntry._meta.db_table)} "  # noqa: S608
                f"({qn('jurisdiction_id')}, {qn('version_id')}, {qn('entry_id')}) "
                f"SELECT {qn('jurisdiction_id')}, %s, {qn('id')} "
                f"FROM {qn(LinkageEntry._meta.db_table)} WHERE {qn('jurisdiction_id')} = %s "
                f"AND {qn('valid_from')} <= %s "
                f"AND ({qn('valid_to')} IS NULL OR {qn('valid_to')} > %s)",
                [version.pk, jurisdiction.pk, day, day],
            )
        regs = sorted(set(live.order_by().values_list("regulator_id", flat=True).distinct()))
        outbox_emit(
            event_type="catalog.list.published",
            jurisdiction_id=jurisdiction.pk,
            payload={
                "version_id": version.pk,
                "number": version.number,
                "published_on": published_on,
                "entry_count": count,
            },
            department_ids=regs,
            aggregate=version,
        )
        audit_record(
            actor=actor, action="catalog.list.publish", obj=version, after=snapshot(version)
        )
    return version
