"""The catalogue's imports as worker jobs (后台清单导入): large files are read by the worker,
not inside the web request (issue 12 item 6); small ones run as before."""

from __future__ import annotations

import datetime as dt

from shenguan.org.models import Jurisdiction

from .items import item_import
from .linkage import linkage_import
from .supervision import supervision_import

KINDS = ("linkage", "items", "supervision")


def catalog_import_run(
    *, kind, actor, jurisdiction, source, filename, dry_run, mode="append", valid_from=None
):
    """Run one of the three list imports (a dry run, or the import itself)."""
    common = {
        "actor": actor,
        "jurisdiction": jurisdiction,
        "source": source,
        "filename": filename,
        "dry_run": dry_run,
    }
    if kind == "linkage":
        return linkage_import(**common, mode=mode, valid_from=valid_from)
    if kind == "items":
        return item_import(**common, effective_on=valid_from)
    return supervision_import(**common)


def run_job(*, actor, source, filename, params) -> dict:
    """What the worker runs for a queued catalogue import: the report as a dict."""
    valid_from = params.get("valid_from")
    report = catalog_import_run(
        kind=params["kind"],
        actor=actor,
        jurisdiction=Jurisdiction.objects.get(pk=params["jurisdiction_id"]),
        source=source,
        filename=filename,
        dry_run=params["dry_run"],
        mode=params.get("mode") or "append",
        valid_from=dt.date.fromisoformat(valid_from) if valid_from else None,
    )
    return report.as_dict()


def register() -> None:
    """Register the catalogue's import kinds with core (from CatalogConfig.ready)."""
    from shenguan.core.sheets.jobs import register_import_kind

    register_import_kind("catalog.import", run_job)
