"""Random draws of experts (随机抽取, 002 §14): candidates qualified and available, avoidance
(回避) of the applicant's and related parties' staff, of declared conflicts and of experts drawn
for the same applicant recently; a seeded, replayable selection; replacements after declines;
the experts' opinions per case. The expert review suspends the case's time limit (行政许可法
第四十五条) unless it belongs to a technical opinion request, which already does."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shenguan.audit.services import audit_record
from shenguan.core.codes import check_uscc
from shenguan.core.errors import Conflict, PermissionDenied, ValidationFailed
from shenguan.core.text import normalize_text
from shenguan.linkage import services as lk
from shenguan.linkage.models import CaseSuspension
from shenguan.org.models import Jurisdiction
from shenguan.org.roles import Perm
from shenguan.outbox.services import outbox_emit

from .. import validators as v
from ..models import (
    DrawnExpert,
    Expert,
    ExpertConflict,
    ExpertDraw,
    ExpertSpeciality,
    InvitationState,
    RequestState,
    Speciality,
)
from .common import actor_name, local_date

ALGORITHM = "sha256-mt19937-sample/1"
DEFAULT_AVOID_DAYS = 180


def avoid_days() -> int:
    """Days during which an expert drawn for an applicant is not drawn for it again."""
    return int(getattr(settings, "SHENGUAN_REVIEW_AVOID_DAYS", DEFAULT_AVOID_DAYS))


# --- the selection itself (pure, replayable) ----------------------------------------------------


def _rng(seed: str, speciality: str, round_: int) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{speciality}|{round_}".encode()).digest()
    return random.Random(int.from_bytes(digest, "big"))


def select(seed: str, candidates: dict[str, list[int]], needs: dict[str, int]) -> list[tuple]:
    """The first draw: for each speciality in code order, `needs[s]` experts sampled uniformly
    without replacement from its sorted candidates not already drawn for another speciality.
    Returns [(speciality, expert_id)] in draw order; a shortfall raises Conflict."""
    taken: set[int] = set()
    out: list[tuple] = []
    for spec in sorted(needs):
        pool = [i for i in candidates.get(spec, ()) if i not in taken]
        k = needs[spec]
        if len(pool) < k:
            raise Conflict(
                "not_enough_experts",
                f"“{Speciality(spec).label}”符合条件的候选专家只有{len(pool)}名，需要{k}名",
                "needs",
            )
        for i in _rng(seed, spec, 0).sample(pool, k):
            taken.add(i)
            out.append((spec, i))
    return out


def select_replacement(seed: str, speciality: str, pool: list[int], round_: int) -> int:
    """One replacement for round n from the remaining candidates (sorted)."""
    if not pool:
        raise Conflict(
            "not_enough_experts", f"“{Speciality(speciality).label}”已无可补抽的候选专家", "state"
        )
    return _rng(seed, speciality, round_).choice(pool)


# --- candidates --------------------------------------------------------------------------------


def pool_jurisdictions(jurisdiction_id: int) -> list[int]:
    """The city-and-county pool (市县一体): the city of the jurisdiction and everything below."""
    j = Jurisdiction.objects.filter(pk=jurisdiction_id).only("path", "level", "parent_id").first()
    if j is None:
        return []
    root = j
    if j.level != "city" and j.parent_id:
        root = Jurisdiction.objects.filter(pk=j.parent_id).only("path").first() or j
    return list(
        Jurisdiction.objects.filter(path__startswith=root.path).values_list("pk", flat=True)
    )


def candidates_for(
    *,
    jurisdiction_id: int,
    needs: dict[str, int],
    applicant_uscc: str,
    applicant_name: str,
    related: list[str],
    on_date: dt.date,
    at: dt.datetime,
    days: int,
) -> tuple[dict[str, list[int]], dict[str, str]]:
    """Qualified, available, reviewed experts per speciality, minus those avoided; with the
    reason of each avoidance ({expert_id: reason})."""
    qualified: dict[str, list[int]] = {s: [] for s in needs}
    rows = (
        ExpertSpeciality.objects.filter(
            speciality__in=list(needs),
            expert__jurisdiction_id__in=pool_jurisdictions(jurisdiction_id),
            expert__active=True,
            expert__available=True,
            expert__review_due__gte=on_date,
        )
        .order_by("speciality", "expert_id")
        .values_list("speciality", "expert_id")
    )
    for spec, eid in rows:
        qualified[spec].append(eid)
    ids = {i for lst in qualified.values() for i in lst}
    excluded: dict[str, str] = {}
    parties = [u for u in [applicant_uscc, *related] if u]
    if parties and ids:
        for eid in Expert.objects.filter(pk__in=ids, employer_uscc__in=parties).values_list(
            "pk", flat=True
        ):
            excluded[str(eid)] = "申请人或关联方单位人员"
        for eid in ExpertConflict.objects.filter(
            expert_id__in=ids, party_uscc__in=parties
        ).values_list("expert_id", flat=True):
            excluded.setdefault(str(eid), "本人申报利益冲突")
    same = (
        Q(draw__applicant_uscc=applicant_uscc)
        if applicant_uscc
        else Q(draw__applicant_uscc="", draw__applicant_name=applicant_name)
    )
    if days and ids:
        for eid in (
            DrawnExpert.objects.filter(same, draw__drawn_at__gte=at - dt.timedelta(days=days))
            .exclude(state=InvitationState.DECLINED)
            .values_list("expert_id", flat=True)
        ):
            excluded.setdefault(str(eid), f"{days}日内已参与同一申请人评审")
    out = {s: [i for i in lst if str(i) not in excluded] for s, lst in qualified.items()}
    return out, excluded


# --- services ------------------------------------------------------------------------------------


def _clean_needs(needs) -> dict[str, int]:
    if not isinstance(needs, dict) or not needs:
        raise ValidationFailed("required", "请填写各专业抽取人数", "needs")
    out: dict[str, int] = {}
    for k, n in needs.items():
        spec = v.choice(k, Speciality, "needs", "专业类别")
        out[spec] = v.integer(n, "needs", "抽取人数", lo=1, hi=15)
    if sum(out.values()) > 30:
        raise ValidationFailed("too_many", "一次最多抽取30名专家", "needs")
    return out


def _clean_related(related) -> list[str]:
    out = []
    for i, u in enumerate(related or []):
        out.append(check_uscc(normalize_text(u), f"related_usccs.{i}"))
    if len(out) > 20:
        raise ValidationFailed("too_many", "关联方最多20个", "related_usccs")
    return sorted(set(out))


def _draw_view(d: ExpertDraw, members) -> dict:
    return {
        "id": d.pk,
        "record_id": d.record_id,
        "opinion_request_id": d.opinion_request_id,
        "needs": d.needs,
        "seed": d.seed,
        "algorithm": d.algorithm,
        "candidates": {s: len(x) for s, x in d.candidates.items()},
        "excluded": d.excluded,
        "members": [(m.speciality, m.expert_id, m.round) for m in members],
    }


def draw_create(
    *,
    actor,
    record,
    needs: dict,
    purpose: str,
    related_usccs=(),
    opinion_request=None,
    seed: str | None = None,
    at: dt.datetime | None = None,
) -> ExpertDraw:
    """Draw experts for a case: the bureau for its own case, or the department a technical
    opinion request was sent to (it organises the expert review, 000 §18)."""
    if opinion_request is not None:
        if opinion_request.record_id != record.pk:
            raise ValidationFailed("bad_request", "技术审查函与办件不符", "opinion_request_id")
        if actor is not None and (
            not actor.can(Perm.FEEDBACK_SEND)
            or actor.department_id != opinion_request.department_id
        ):
            raise PermissionDenied("forbidden", "只有承办技术审查函的部门可以为其抽取专家")
        if opinion_request.state != RequestState.REQUESTED:
            raise Conflict("request_closed", "该技术审查函已办结", "opinion_request_id")
        department_id = opinion_request.department_id
    else:
        if actor is not None and (
            not actor.can(Perm.APPROVAL_RECORD) or actor.department_id != record.department_id
        ):
            raise PermissionDenied("forbidden", "只能为本部门办件抽取专家")
        department_id = record.department_id
    needs = _clean_needs(needs)
    purpose = v.text(purpose, "purpose", "用途", 200, required=True)
    related = _clean_related(related_usccs)
    at = at or timezone.now()
    seed = seed or secrets.token_hex(16)
    days = avoid_days()
    with transaction.atomic():
        candidates, excluded = candidates_for(
            jurisdiction_id=record.jurisdiction_id,
            needs=needs,
            applicant_uscc=record.applicant_uscc,
            applicant_name=record.applicant_name,
            related=related,
            on_date=local_date(at),
            at=at,
            days=days,
        )
        picked = select(seed, candidates, needs)
        d = ExpertDraw.objects.create(
            jurisdiction_id=record.jurisdiction_id,
            record=record,
            opinion_request=opinion_request,
            department_id=department_id,
            purpose=purpose,
            applicant_uscc=record.applicant_uscc,
            applicant_name=record.applicant_name,
            related_usccs=related,
            needs=needs,
            avoid_days=days,
            algorithm=ALGORITHM,
            seed=seed,
            candidates=candidates,
            excluded=excluded,
            drawn_at=at,
            drawn_by_name=actor_name(actor),
        )
        members = DrawnExpert.objects.bulk_create(
            [
                DrawnExpert(draw=d, expert_id=eid, speciality=spec, position=n + 1)
                for n, (spec, eid) in enumerate(picked)
            ]
        )
        if opinion_request is None and record.state == "draft":
            d.suspension = lk.suspension_start(
                actor=actor,
                record=record,
                kind="expert_review",
                started_on=local_date(at),
                reason=f"专家评审：{purpose}"[:500],
                source=f"review.draw:{d.pk}",
            )
            d.save(update_fields=["suspension"])
        outbox_emit(
            event_type="expert_draw.created",
            jurisdiction_id=d.jurisdiction_id,
            payload=_draw_view(d, members),
            department_ids=sorted({department_id, record.department_id}),
            aggregate=d,
        )
        audit_record(actor=actor, action="review.draw", obj=d, after=_draw_view(d, members))
    return d


def _member_locked(member: DrawnExpert) -> DrawnExpert:
    return DrawnExpert.objects.select_for_update().select_related("draw").get(pk=member.pk)


def _require_drawer(actor, d: ExpertDraw) -> None:
    if actor is not None and actor.department_id != d.department_id:
        raise PermissionDenied("forbidden_department", "只有抽取部门可以登记专家答复和意见")


def draw_respond(
    *, actor, member: DrawnExpert, accept: bool, reason: str = "", at=None
) -> DrawnExpert:
    """Record whether a drawn expert attends; a decline draws a replacement of the same
    speciality from the remaining candidates (returned; otherwise the member itself)."""
    at = at or timezone.now()
    reason = v.text(reason, "reason", "无法参加原因", 200, required=not accept)
    with transaction.atomic():
        m = _member_locked(member)
        d = m.draw
        _require_drawer(actor, d)
        if m.state != InvitationState.INVITED:
            raise Conflict("answered", f"该专家已{m.get_state_display()}", "state")
        m.responded_at = at
        if accept:
            m.state = InvitationState.ACCEPTED
            m.save(update_fields=["state", "responded_at"])
            audit_record(
                actor=actor,
                action="review.draw_accept",
                obj=d,
                after={"member": m.pk, "expert_id": m.expert_id},
            )
            return m
        m.state, m.decline_reason = InvitationState.DECLINED, reason
        m.save(update_fields=["state", "responded_at", "decline_reason"])
        everyone = list(DrawnExpert.objects.filter(draw=d).values_list("expert_id", "round"))
        drawn = {e for e, _r in everyone}
        round_ = max(r for _e, r in everyone) + 1
        pool = [i for i in d.candidates.get(m.speciality, []) if i not in drawn]
        eid = select_replacement(d.seed, m.speciality, pool, round_)
        new = DrawnExpert.objects.create(
            draw=d,
            expert_id=eid,
            speciality=m.speciality,
            position=len(everyone) + 1,
            round=round_,
            replaces=m,
        )
        audit_record(
            actor=actor,
            action="review.draw_replace",
            obj=d,
            after={"declined": m.expert_id, "reason": reason, "round": round_, "replacement": eid},
        )
        outbox_emit(
            event_type="expert_draw.replaced",
            jurisdiction_id=d.jurisdiction_id,
            payload={"draw_id": d.pk, "declined": m.expert_id, "replacement": eid},
            department_ids=[d.department_id],
            aggregate=d,
        )
    return new


def draw_opinion(*, actor, member: DrawnExpert, opinion: str, at=None) -> DrawnExpert:
    """Record an attending expert's opinion on the case; when every attending expert has given
    one, the expert review's suspension of the case's time limit ends."""
    at = at or timezone.now()
    opinion = v.text(opinion, "opinion", "专家意见", 2000, required=True, multiline=True)
    with transaction.atomic():
        m = _member_locked(member)
        d = m.draw
        _require_drawer(actor, d)
        if m.state != InvitationState.ACCEPTED:
            raise Conflict("not_attending", "只能登记确认参加的专家的意见", "state")
        m.opinion, m.opinion_at = opinion, at
        m.save(update_fields=["opinion", "opinion_at"])
        audit_record(
            actor=actor,
            action="review.expert_opinion",
            obj=d,
            after={"member": m.pk, "expert_id": m.expert_id, "opinion": opinion},
        )
        waiting = DrawnExpert.objects.filter(draw=d).filter(
            Q(state=InvitationState.INVITED) | Q(state=InvitationState.ACCEPTED, opinion="")
        )
        if d.suspension_id and not waiting.exists():
            s = CaseSuspension.objects.get(pk=d.suspension_id)
            if s.ended_on is None:
                lk.suspension_end(
                    actor=None, suspension=s, ended_on=max(local_date(at), s.started_on)
                )
    return m


def draw_replay(*, actor, draw: ExpertDraw) -> dict:
    """Recompute a draw from its stored seed and candidates (first draw, then each replacement
    in order) and compare with the recorded experts. Needs the audit or oversight right."""
    if actor is not None and not (actor.can(Perm.AUDIT_VIEW) or actor.can(Perm.OVERSIGHT_READ)):
        raise PermissionDenied("forbidden", "无权复核抽取过程（须为审计管理员或监督人员）")
    members = list(DrawnExpert.objects.filter(draw=draw).order_by("round", "position"))
    first = [(m.speciality, m.expert_id) for m in members if m.round == 0]
    replayed = select(draw.seed, draw.candidates, draw.needs) if draw.needs else []
    same = replayed == first
    steps = [{"round": 0, "recorded": first, "replayed": replayed}]
    drawn = {e for _s, e in replayed}
    for m in members:
        if m.round == 0:
            continue
        pool = [i for i in draw.candidates.get(m.speciality, []) if i not in drawn]
        again = select_replacement(draw.seed, m.speciality, pool, m.round) if pool else None
        same = same and again == m.expert_id
        steps.append({"round": m.round, "recorded": m.expert_id, "replayed": again})
        drawn.add(m.expert_id)
    audit_record(actor=actor, action="review.draw_replay", obj=draw, after={"matches": same})
    return {"draw_id": draw.pk, "algorithm": draw.algorithm, "matches": same, "steps": steps}
