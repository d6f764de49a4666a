"""The permission matrix of the linkage writes (issue 4 "Tests": the matrix covers every new
endpoint). tests/permissions/cases_linkage.py registers every list, detail and export in the
read matrix; this module does the same for every write — API operation and page form — and
checks that together they cover every route of the linkage app.

For every write, every actor (one user per role in the city and in the county below it, a
second regulator's liaison, and an API token per business role) tries it once on a fresh
object, and the answer must follow the rule stated here independently of the services:
allowed → success and the change is made; not allowed → 403 when the actor can see the object
(or when there is none), 404 when it cannot — and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, resolve

from shenguan.linkage import services as svc
from shenguan.linkage.models import (
    ApprovalRecord,
    CaseSuspension,
    Disposal,
    Feedback,
    Licence,
    Material,
    Notice,
    PushOpen,
)
from shenguan.org.roles import ADMIN_ROLES, DepartmentKind, Role
from tests.api.conftest import issue_token
from tests.linkage.conftest import record_data

pytestmark = pytest.mark.django_db

API = "/api/v1/linkage"
R = Role
CLAIMERS = {R.REGULATOR_LIAISON, R.REGULATOR_LEADER}
RECORDERS = {R.WINDOW_CLERK, R.APPROVER}
DISPOSERS = {R.APPROVER, R.BUREAU_LIAISON, R.BUREAU_HEAD}
ROUTERS = {R.APPROVER, R.BUREAU_LIAISON, R.BUREAU_HEAD}
SENDERS = {R.REGULATOR_LIAISON, R.INSPECTOR, R.REGULATOR_LEADER, R.ENFORCEMENT_OFFICER}
NOTICERS = {R.BUREAU_LIAISON, R.REGULATOR_LIAISON, R.REGULATOR_LEADER}
OVERSIGHT = {R.DISCIPLINE_INSPECTOR, R.REFORM_STAFF}
_seq = itertools.count(1)


@dataclass
class Actor:
    label: str
    role: str
    dept: Any
    city: bool
    client: Client
    token: bool = False


@dataclass
class Ctx:
    lk: Any
    county: Any
    actors: list[Actor]


@pytest.fixture
def ctx(lk, county_lk) -> Ctx:
    world = lk.extra["world"]
    actors: list[Actor] = []
    for tag, users in (("city", world.users), ("county", world.county_users)):
        for key, u in users.items():
            c = Client()
            c.force_login(u)
            role = R.REGULATOR_LIAISON if key == "reg_b_liaison" else key
            actors.append(Actor(f"{tag}:{key}", role, u.department, tag == "city", c))
    for role in R:
        if role in ADMIN_ROLES:
            continue
        dept = world.users[role.value].department
        _t, plain = issue_token(dept, role.value, rate=100000)
        c = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
        actors.append(Actor(f"token:{role.value}", role.value, dept, True, c, token=True))
    return Ctx(lk=lk, county=county_lk, actors=actors)


# --- objects ------------------------------------------------------------------------------------


def _case() -> str:
    return f"PW-{next(_seq):05d}"


def draft(ctx: Ctx):
    rec = svc.record_create(
        actor=None, department=ctx.lk.bureau, data=record_data(ctx.lk.food, _case())
    )
    return rec


def pushed(ctx: Ctx):
    rec = draft(ctx)
    (p,) = svc.complete_records(actor=None, records=[rec])
    return p


def gap(ctx: Ctx):
    rec = svc.record_create(
        actor=None, department=ctx.lk.bureau, data=record_data(ctx.lk.orphan, _case())
    )
    svc.complete_records(actor=None, records=[rec])
    return ApprovalRecord.objects.get(pk=rec.pk)


def open_suspension(ctx: Ctx):
    rec = draft(ctx)
    return svc.suspension_start(
        actor=None,
        record=rec,
        kind="expert_review",
        started_on=rec.accepted_on,
        reason="专家评审",
    )


def suspension_made(rec, _m) -> bool:
    return CaseSuspension.objects.filter(record_id=rec.pk).exists()


def suspension_ended(s, _m) -> bool:
    return CaseSuspension.objects.get(pk=s.pk).ended_on is not None


def licence(ctx: Ctx):
    return Licence.objects.get(record_id=pushed(ctx).record_id)


def opinion(ctx: Ctx):
    lic = licence(ctx)
    return svc.feedback_create(
        actor=None,
        department=ctx.lk.reg_a,
        kind="revocation_opinion",
        title="建议注销",
        content="停业",
        published_on=dt.date.today(),
        licence=lic,
    )


def correction(ctx: Ctx):
    p = pushed(ctx)
    return svc.feedback_create(
        actor=None,
        department=ctx.lk.reg_a,
        kind="correction_request",
        title="纠错建议",
        content="材料与现场不符",
        published_on=dt.date.today(),
        record=p.record,
    )


# --- the rules ------------------------------------------------------------------------------------


def city_oversight(a: Actor) -> bool:
    return a.city and a.role in OVERSIGHT


def in_dept(a: Actor, *depts) -> bool:
    return a.dept.pk in {d.pk for d in depts}


def bureau_and_reg_a(ctx: Ctx, a: Actor) -> bool:
    """Seen by the bureau that sent it, the regulator it went to, and the city's oversight."""
    return city_oversight(a) or (
        a.role not in ADMIN_ROLES and in_dept(a, ctx.lk.bureau, ctx.lk.reg_a)
    )


def bureau_only(ctx: Ctx, a: Actor) -> bool:
    """A record not pushed anywhere: the handling bureau and the city's oversight."""
    return city_oversight(a) or (a.role not in ADMIN_ROLES and in_dept(a, ctx.lk.bureau))


def own_bureau(ctx: Ctx, a: Actor) -> Any:
    lk = ctx.lk if a.city else ctx.county
    return lk.bureau


# --- the cases ---------------------------------------------------------------------------------


@dataclass
class Write:
    """One write endpoint and its rule."""

    name: str
    method: str
    route: str  # the URL as the app declares it, for the coverage check
    make: Callable[[Ctx], Any] | None
    url: Callable[[Any], str]
    allowed: Callable[[Ctx, Actor], bool]
    visible: Callable[[Ctx, Actor], bool] | None  # None: no object (a creation)
    done: Callable[[Any, str], bool]  # whether the write happened (object, marker)
    body: Callable[[Ctx, Actor, Any, str], Any] = lambda c, a, o, m: {}
    ok: int = 200
    api: bool = True
    multipart: bool = False
    refused: Callable[[Ctx, Actor], int] | None = None  # status when not allowed (default rule)


def claimed(p, _m) -> bool:
    return not PushOpen.objects.filter(push_id=p.pk).exists()


def record_made(_o, marker) -> bool:
    return ApprovalRecord.objects.filter(case_number=marker).exists()


def completed(rec, _m) -> bool:
    return ApprovalRecord.objects.get(pk=rec.pk).state == "completed"


def routed(rec, _m) -> bool:
    return not ApprovalRecord.objects.get(pk=rec.pk).supervision_gap


def material_added(rec, _m) -> bool:
    return Material.objects.filter(record_id=rec.pk).exists()


def suspended(lic, _m) -> bool:
    return Licence.objects.get(pk=lic.pk).state == "suspended"


def feedback_made(_o, marker) -> bool:
    return Feedback.objects.filter(title=marker).exists()


def disposed(fb, _m) -> bool:
    return Disposal.objects.filter(feedback_id=fb.pk).exists()


def replied(fb, _m) -> bool:
    return Feedback.objects.get(pk=fb.pk).replied_at is not None


def notice_made(_o, marker) -> bool:
    return Notice.objects.filter(title=marker).exists()


def record_body(ctx, a, o, marker) -> dict:
    d = record_data(ctx.lk.food, marker)
    body = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in d.items()}
    body.pop("item")
    return {**body, "item_code": ctx.lk.food.code}


def record_form(ctx, a, o, marker) -> dict:
    body = record_body(ctx, a, o, marker)
    body.pop("item_code")
    return {**body, "item": ctx.lk.food.pk}


def csv_file(ctx, marker) -> io.BytesIO:
    today = dt.date.today()
    head = "办件编号,事项编码,申请人类型,申请人,身份证号码,受理日期,决定日期,决定文书号,审批结果"
    row = (
        f"{marker},{ctx.lk.food.code},自然人,王五,{record_data(ctx.lk.food)['applicant_id_number']},"
        f"{today - dt.timedelta(days=3)},{today},文书{marker},准予"
    )
    f = io.BytesIO(f"{head}\n{row}\n".encode())
    f.name = "records.csv"
    return f


def pdf_file() -> io.BytesIO:
    f = io.BytesIO(b"%PDF-1.7 matrix")
    f.name = "决定书.pdf"
    return f


def notice_body(ctx, a, o, marker) -> dict:
    lk = ctx.lk if a.city else ctx.county
    to = lk.reg_a if a.dept.kind == DepartmentKind.BUREAU else lk.bureau
    return {
        "kind": "document_copy",
        "title": marker,
        "content": "全文见附件。",
        "published_on": dt.date.today().isoformat(),
        "addressee_ids": [to.pk],
    }


def feedback_body(ctx, a, o, marker) -> dict:
    return {
        "kind": "law_policy_change",
        "title": marker,
        "content": "新标准施行",
        "published_on": dt.date.today().isoformat(),
    }


def claim_right(ctx, a) -> int:
    """The bulk claim answers 200 (claiming what is one's own) to anyone holding a claim right."""
    return 200 if a.role in CLAIMERS | {R.BUREAU_LIAISON} else 403


def recorder_elsewhere(ctx, a) -> int:
    """A recorder of the county bureau posting the city's item: 422 (not its item), else 403."""
    return 422 if (a.role in RECORDERS and in_dept(a, ctx.county.bureau)) else 403


WRITES: list[Write] = [
    # --- API ---
    Write(
        "api.push.claim", "post", "api/v1/linkage/pushes/<int:push_id>/claim", pushed,
        lambda p: f"{API}/pushes/{p.pk}/claim",
        lambda c, a: in_dept(a, c.lk.reg_a) and a.role in CLAIMERS, bureau_and_reg_a, claimed,
    ),
    Write(
        "api.push.claim_bulk", "post", "api/v1/linkage/pushes/claim", pushed,
        lambda p: f"{API}/pushes/claim",
        lambda c, a: in_dept(a, c.lk.reg_a) and a.role in CLAIMERS, None, claimed,
        body=lambda c, a, p, m: {"ids": [p.pk]}, refused=claim_right,
    ),
    Write(
        "api.record.create", "post", "api/v1/linkage/records", None,
        lambda o: f"{API}/records",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in RECORDERS, None, record_made,
        body=record_body, ok=201, refused=recorder_elsewhere,
    ),
    Write(
        "api.record.complete", "post", "api/v1/linkage/records/<int:record_id>/complete", draft,
        lambda r: f"{API}/records/{r.pk}/complete",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role == R.APPROVER, bureau_only, completed,
    ),
    Write(
        "api.suspension.create", "post", "api/v1/linkage/records/<int:record_id>/suspensions",
        draft, lambda r: f"{API}/records/{r.pk}/suspensions",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in RECORDERS, bureau_only,
        suspension_made,
        body=lambda c, a, r, m: {
            "kind": "expert_review", "started_on": r.accepted_on.isoformat(), "reason": "专家评审",
        },
        ok=201,
    ),
    Write(
        "api.suspension.end", "post", "api/v1/linkage/suspensions/<int:suspension_id>/end",
        open_suspension, lambda s: f"{API}/suspensions/{s.pk}/end",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in RECORDERS,
        bureau_only, suspension_ended,
        body=lambda c, a, s, m: {"ended_on": dt.date.today().isoformat()},
    ),
    Write(
        "api.record.route", "post", "api/v1/linkage/records/<int:record_id>/route", gap,
        lambda r: f"{API}/records/{r.pk}/route",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in ROUTERS, bureau_only, routed,
        body=lambda c, a, r, m: {"regulator_id": c.lk.reg_a.pk, "note": "由市场监管局监管"},
        ok=201,
    ),
    Write(
        "api.material.upload", "post", "api/v1/linkage/records/<int:record_id>/materials", draft,
        lambda r: f"{API}/records/{r.pk}/materials",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in RECORDERS, bureau_only,
        material_added, body=lambda c, a, r, m: {"file": pdf_file(), "kind": "material"},
        ok=201, multipart=True,
    ),
    Write(
        "api.record.import", "post", "api/v1/linkage/records/import", None,
        lambda o: f"{API}/records/import",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in RECORDERS, None, record_made,
        body=lambda c, a, o, m: {"file": csv_file(c, m)}, ok=201, multipart=True,
        refused=recorder_elsewhere,
    ),
    Write(
        "api.licence.transition", "post", "api/v1/linkage/licences/<int:licence_id>/transition",
        licence, lambda lic: f"{API}/licences/{lic.pk}/transition",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in DISPOSERS, bureau_and_reg_a,
        suspended,
        body=lambda c, a, o, m: {
            "to_state": "suspended", "effective_on": dt.date.today().isoformat(), "reason": "整改",
        },
    ),
    Write(
        "api.feedback.create", "post", "api/v1/linkage/feedback", None,
        lambda o: f"{API}/feedback",
        lambda c, a: a.role in SENDERS
        and a.dept.kind in (DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT),
        None, feedback_made, body=feedback_body, ok=201,
    ),
    Write(
        "api.feedback.disposal", "post", "api/v1/linkage/feedback/<int:feedback_id>/disposal",
        opinion, lambda fb: f"{API}/feedback/{fb.pk}/disposal",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in DISPOSERS, bureau_and_reg_a, disposed,
        body=lambda c, a, o, m: {
            "outcome": "cancel", "decided_on": dt.date.today().isoformat(),
            "decision_number": "注〔2026〕1号",
        },
        ok=201,
    ),
    Write(
        "api.feedback.reply", "post", "api/v1/linkage/feedback/<int:feedback_id>/reply",
        correction, lambda fb: f"{API}/feedback/{fb.pk}/reply",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in DISPOSERS, bureau_and_reg_a, replied,
        body=lambda c, a, o, m: {"outcome": "explained", "text": "经核查，材料齐全。"},
    ),
    Write(
        "api.notice.create", "post", "api/v1/linkage/notices", None,
        lambda o: f"{API}/notices",
        lambda c, a: a.role in NOTICERS, None, notice_made, body=notice_body, ok=201,
    ),
    # --- pages ---
    Write(
        "page.push.claim", "post", "linkage/pushes/<int:pk>/claim", pushed,
        lambda p: f"/linkage/pushes/{p.pk}/claim",
        lambda c, a: in_dept(a, c.lk.reg_a) and a.role in CLAIMERS, bureau_and_reg_a, claimed,
        ok=302, api=False,
    ),
    Write(
        "page.push.claim_bulk", "post", "linkage/pushes/claim", pushed,
        lambda p: "/linkage/pushes/claim",
        lambda c, a: in_dept(a, c.lk.reg_a) and a.role in CLAIMERS, None, claimed,
        body=lambda c, a, p, m: {"ids": [p.pk]}, ok=302, api=False,
        refused=lambda c, a: 302 if claim_right(c, a) == 200 else 403,
    ),
    Write(
        "page.record.new", "post", "linkage/records/new", None, lambda o: "/linkage/records/new",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in RECORDERS, None, record_made,
        body=record_form, ok=302, api=False,
        refused=lambda c, a: 200 if a.role in RECORDERS else 403,  # county: not its item
    ),
    Write(
        "page.record.complete", "post", "linkage/records/<int:pk>/complete", draft,
        lambda r: f"/linkage/records/{r.pk}/complete",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role == R.APPROVER, bureau_only, completed,
        ok=302, api=False,
    ),
    Write(
        "page.record.route", "post", "linkage/records/<int:pk>/route", gap,
        lambda r: f"/linkage/records/{r.pk}/route",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in ROUTERS, bureau_only, routed,
        body=lambda c, a, r, m: {"regulator": c.lk.reg_a.pk, "note": "由市场监管局监管"},
        ok=302, api=False,
    ),
    Write(
        "page.material.upload", "post", "linkage/records/<int:pk>/materials", draft,
        lambda r: f"/linkage/records/{r.pk}/materials",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in RECORDERS, bureau_only,
        material_added, body=lambda c, a, r, m: {"file": pdf_file(), "kind": "material"},
        ok=302, api=False,
    ),
    Write(
        "page.record.import", "post", "linkage/records/import", None,
        lambda o: "/linkage/records/import",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in RECORDERS, None, record_made,
        body=lambda c, a, o, m: {"file": csv_file(c, m)}, ok=200, api=False,
        refused=lambda c, a: 200 if a.role in RECORDERS else 403,  # county: a row report
    ),
    Write(
        "page.licence.transition", "post", "linkage/licences/<int:pk>/", licence,
        lambda lic: f"/linkage/licences/{lic.pk}/",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in DISPOSERS, bureau_and_reg_a,
        suspended,
        body=lambda c, a, o, m: {
            "to_state": "suspended", "effective_on": dt.date.today().isoformat(), "reason": "整改",
        },
        ok=302, api=False,
    ),
    Write(
        "page.feedback.new", "post", "linkage/feedback/new", None,
        lambda o: "/linkage/feedback/new",
        lambda c, a: a.role in SENDERS
        and a.dept.kind in (DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT),
        None, feedback_made, body=feedback_body, ok=302, api=False,
    ),
    Write(
        "page.feedback.dispose", "post", "linkage/feedback/<int:pk>/dispose", opinion,
        lambda fb: f"/linkage/feedback/{fb.pk}/dispose",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in DISPOSERS, bureau_and_reg_a, disposed,
        body=lambda c, a, o, m: {
            "outcome": "cancel", "decided_on": dt.date.today().isoformat(),
            "decision_number": "注〔2026〕1号",
        },
        ok=302, api=False,
    ),
    Write(
        "page.feedback.reply", "post", "linkage/feedback/<int:pk>/reply", correction,
        lambda fb: f"/linkage/feedback/{fb.pk}/reply",
        lambda c, a: in_dept(a, c.lk.bureau) and a.role in DISPOSERS, bureau_and_reg_a, replied,
        body=lambda c, a, o, m: {"outcome": "explained", "text": "经核查，材料齐全。"},
        ok=302, api=False,
    ),
    Write(
        "page.notice.new", "post", "linkage/notices/new", None, lambda o: "/linkage/notices/new",
        lambda c, a: a.role in NOTICERS, None, notice_made,
        body=lambda c, a, o, m: {
            **notice_body(c, a, o, m), "addressees": notice_body(c, a, o, m)["addressee_ids"],
        },
        ok=302, api=False,
    ),
]  # fmt: skip


def _call(w: Write, a: Actor, ctx: Ctx, obj, marker: str):
    body = w.body(ctx, a, obj, marker)
    url = w.url(obj)
    if w.api and not w.multipart:
        return a.client.post(url, body, content_type="application/json")
    return a.client.post(url, body)


@pytest.mark.parametrize("w", WRITES, ids=[w.name for w in WRITES])
def test_write_matrix(ctx, w):
    problems: list[str] = []
    obj = w.make(ctx) if w.make else None
    for a in ctx.actors:
        if a.token and not w.api:
            continue
        marker = _case()
        r = _call(w, a, ctx, obj, marker)
        if w.allowed(ctx, a):
            if r.status_code != w.ok or not w.done(obj, marker):
                problems.append(
                    f"{a.label}: {r.status_code}, done={w.done(obj, marker)}; "
                    f"expected {w.ok} and done — {r.content[:200]!r}"
                )
            obj = w.make(ctx) if w.make else None  # the next actor gets a fresh object
            continue
        if w.refused is not None:
            want = w.refused(ctx, a)
        elif w.visible is None:
            want = 403
        else:
            want = 403 if w.visible(ctx, a) else 404
        if r.status_code != want or w.done(obj, marker):
            problems.append(
                f"{a.label}: {r.status_code}, done={w.done(obj, marker)}; "
                f"expected {want} and nothing written — {r.content[:200]!r}"
            )
    assert not problems, f"{w.name}: {len(problems)} problems\n" + "\n".join(problems)


FORM_PAGES = {
    "/linkage/records/new": RECORDERS,
    "/linkage/records/import": RECORDERS,
    "/linkage/feedback/new": SENDERS,
    "/linkage/notices/new": NOTICERS,
}


def test_form_pages_open_for_the_roles_that_may_submit_them(ctx):
    problems = []
    for url, roles in FORM_PAGES.items():
        for a in ctx.actors:
            if a.token:
                continue
            want = 200 if a.role in roles else 403
            got = a.client.get(url).status_code
            if got != want:
                problems.append(f"{a.label}: GET {url} → {got}, expected {want}")
    assert not problems, "\n".join(problems)


def test_summary_counts_only_the_callers_own(ctx):
    p = pushed(ctx)
    assert PushOpen.objects.filter(push_id=p.pk).exists()
    for a in ctx.actors:
        r = a.client.get(f"{API}/summary")
        assert r.status_code == 200, (a.label, r.status_code)
        mine = in_dept(a, ctx.lk.reg_a) and a.role not in ADMIN_ROLES
        seen = r.json()["to_claim"]
        if mine:
            assert seen == 1, a.label
        elif city_oversight(a):
            assert seen >= 1, a.label
        else:
            assert seen == 0, a.label


# --- every route of the app is in one matrix or the other --------------------------------------

# Routes outside both matrices, and why.
NOT_IN_A_MATRIX = {
    ("get", "api/v1/linkage/verify"): "public (no login): tests/linkage/test_api.py",
    ("get", "api/v1/linkage/summary"): "counts only: test_summary_counts_only_the_callers_own",
    ("page", "linkage/pick/departments"): "Department.restrict, PUSH_READ: test_pickers.py",
}


def _route_of(url: str) -> str:
    return resolve(url.split("?")[0]).route


def _app_routes() -> set[tuple[str, str]]:
    from django.test import Client as C

    spec = C().get("/api/v1/openapi.json").json()
    out = set()
    for path, ops in spec["paths"].items():
        if path.startswith("/api/v1/linkage/"):
            for method in ops:
                sample = path.replace("{push_id}", "1")
                for k in ("record_id", "licence_id", "feedback_id", "notice_id", "suspension_id"):
                    sample = sample.replace("{" + k + "}", "1")
                out.add((method, _route_of(sample)))
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) == "linkage":
            for sub in pattern.url_patterns:
                out.add(("page", f"{pattern.pattern}{sub.pattern}"))
    return out


def test_every_linkage_route_is_in_a_matrix():
    from tests.permissions.registry import cases

    class Dummy:
        pk = 1

    covered: set[tuple[str, str]] = set()
    for c in cases():
        if c.name.startswith("linkage."):
            covered.add(("get" if c.channel == "api" else "page", _route_of(c.url(Dummy()))))
    for w in WRITES:
        covered.add((w.method if w.api else "page", w.route))
    covered |= set(NOT_IN_A_MATRIX)
    missing = sorted(_app_routes() - covered)
    assert not missing, f"routes in no matrix: {missing}"
