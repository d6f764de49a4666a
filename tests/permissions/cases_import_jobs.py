"""Permission-matrix cases of the import jobs run by the worker (core.sheets.jobs): a job's page
is its submitter's alone — anybody else, in the same department or not, gets 404."""

from __future__ import annotations

from shenguan.core.sheets.jobs import import_job_create
from shenguan.org.roles import Role

from .registry import Case, register


def _job(kind: str, *roles: str):
    def make(world, dept):
        actor = world.user_actor_in(dept, *roles) or world.user_actor_in(dept)
        return import_job_create(
            actor=actor.principal,
            jurisdiction_id=dept.jurisdiction_id,
            kind=kind,
            filename="清单.xlsx",
            content=b"PK",
            params={"kind": "linkage", "dry_run": True},
            rows_total=3000,
        )

    return make


def submitter_only(actor, job, world) -> bool:
    return actor.kind == "user" and actor.principal.pk == job.created_by_id


register(
    Case(
        name="catalog.page.import_job.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/catalog/import/jobs/{o.pk}/",
        make=_job("catalog.import", Role.BUREAU_HEAD, Role.BUREAU_LIAISON),
        visible=submitter_only,
        allowed=lambda a: a.kind == "user" and a.has(Role.BUREAU_HEAD, Role.BUREAU_LIAISON),
    )
)
register(
    Case(
        name="linkage.page.record_import_job.detail",
        kind="detail",
        channel="page",
        url=lambda o: f"/linkage/records/import/jobs/{o.pk}",
        make=_job("linkage.records", Role.APPROVER, Role.WINDOW_CLERK),
        visible=submitter_only,
    )
)
