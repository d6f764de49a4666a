"""Demo step 60 (电子监察演示数据): two simulated past quarters of Liaocheng with claims on
time, late by hand and on timeout, supervision started on time, late or never, alerts raised
by the monitor at the time, the two bulletins published, a reminder to the department that
claimed worst after the first and — since the second quarter did not improve — the 约谈 held
by the government office; plus today's alerts, a supervision dispatch and a feedback handled.

Idempotent: a jurisdiction that holds records "DEMO-OV-…" is skipped. Names are invented.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shenguan.calendar import workdays
from shenguan.org.models import Jurisdiction, User

from . import services as svc
from .figures import previous_period
from .models import Bulletin, SupervisionTask
from .sweeps import monitor_sweep

PREFIX = "DEMO-OV"
APPLICANTS = (
    ("legal", "聊城市东昌府区味道坊餐饮店", "马丽"),
    ("person", "王晓东", ""),
    ("legal", "聊城市百佳乐超市有限公司", "宋建华"),
    ("person", "赵玉兰", ""),
    ("legal", "聊城市鲁信建筑工程有限公司", "田伟"),
    ("legal", "聊城市好邻居便利店", "郑爽"),
)
# Applicants by trade (issue 12 item 10: no restaurant with a medical-institution licence).
CLINIC = ("legal", "聊城市东昌府区仁和诊所有限公司", "韩立")
BUILDER = APPLICANTS[4]
TRADERS = tuple(a for a in APPLICANTS if a is not BUILDER)


def applicant_for(item, n: int) -> tuple[str, str, str]:
    """The demo applicant of the n-th record of an item, chosen by the item's trade."""
    name = getattr(item, "name", "") or ""
    if "医疗" in name or "诊所" in name:
        return CLINIC
    if "建筑" in name or "施工" in name:
        return BUILDER
    return TRADERS[n % len(TRADERS)]


def _user(username: str) -> User | None:
    return User.objects.select_related("department").filter(username=username).first()


def _at(d: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(hour, minute), tzinfo=workdays.SHANGHAI)


def _record(approver, item, n: int, when: dt.datetime):
    from stdnum.cn import ric, uscc

    from shenguan.linkage import services as lsvc

    kind, name, rep = applicant_for(item, n)
    decided = workdays.local_date(when)
    body = f"371502{1998 + n % 8}{1 + n % 12:02d}{1 + n % 27:02d}{300 + n:03d}"
    code = f"91371500MA3D{n:04d}0"
    data = {
        "item": item,
        "case_number": f"{PREFIX}-{decided:%Y%m%d}-{n:03d}",
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_id_number": body + ric.calc_check_digit(body + "0") if kind == "person" else "",
        "applicant_uscc": code + uscc.calc_check_digit(code + "0") if kind == "legal" else "",
        "legal_representative": rep,
        "contact_name": rep or name,
        "contact_phone": f"1380635{6000 + n:04d}",
        "address": "聊城市东昌府区",
        "accepted_on": decided - dt.timedelta(days=12 + n % 9),
        "decided_on": decided,
        "decision_number": f"聊审批〔{decided.year}〕{500 + n}号",
        "result": "granted",
        "licence_number": f"LCOV{decided:%Y}{2000 + n:05d}",
        "licence_valid_until": decided.replace(year=decided.year + 5),
    }
    rec = lsvc.record_create(actor=approver, data=data, source="ui")
    lsvc.record_complete(actor=approver, record=rec, at=when)
    return rec


def _quarter(j, start: dt.date, end: dt.date, plan: list[str], users: dict, items: list, n0: int):
    """Approvals on working days of a quarter; each push claimed as `plan` says (on_time, late,
    timeout); the monitor runs every week of it; supervision starts on time, late or never."""
    from shenguan.linkage import services as lsvc
    from shenguan.linkage.models import Push
    from shenguan.linkage.sweeps import push_auto_claim_due, push_claims_materialize

    cal = workdays.calendar()
    days = []
    d = start
    while d <= end:
        if workdays.is_working_day(d, cal=cal):
            days.append(d)
        d += dt.timedelta(days=1)
    step = max(1, len(days) // (len(plan) + 1))
    events: list[tuple] = []
    for i, mode in enumerate(plan):
        when = _at(days[min(len(days) - 1, (i + 1) * step)], 9 + i % 7)
        rec = _record(users["approver"], items[i % len(items)], n0 + i, when)
        for p in Push.objects.filter(record=rec, kind="approval"):
            liaison = users["liaisons"].get(p.addressee_department_id)
            if mode == "on_time" and liaison:
                events.append((when + dt.timedelta(hours=3), "claim", p, liaison))
            elif mode == "late" and liaison:
                events.append((p.claim_due_at + dt.timedelta(days=2, hours=9), "claim", p, liaison))
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end + dt.timedelta(days=7):
        events.append((_at(monday, 8), "monitor", None, None))
        monday += dt.timedelta(days=7)
    for when, what, p, who in sorted(events, key=lambda e: (e[0], e[1])):
        if what == "monitor":
            push_auto_claim_due(now=when)
            monitor_sweep(now=when, since=_at(start) - dt.timedelta(days=7))
        else:
            p.refresh_from_db()
            from shenguan.linkage.models import PushOpen

            if PushOpen.objects.filter(push_id=p.pk).exists():
                lsvc.push_claim(actor=who, push=p, at=when)
    after = _at(workdays.next_working_day(end), 9)
    push_auto_claim_due(now=after)
    push_claims_materialize(now=after, limit=10**6)
    monitor_sweep(now=after, since=_at(start))
    # supervision: on time, late, or never started
    for n, t in enumerate(
        SupervisionTask.objects.filter(jurisdiction=j, claimed_at__gte=_at(start))
        .filter(claimed_at__lt=_at(end + dt.timedelta(days=1)))
        .order_by("id")
    ):
        who = users["starters"].get(t.department_id)
        if who is None or n % 3 == 2:
            continue
        at = (
            t.claimed_at + dt.timedelta(days=5)
            if n % 3 == 0
            else t.start_due_at + dt.timedelta(days=3)
        )
        if at < timezone.now():
            svc.supervision_start(
                actor=who,
                task=t,
                kind="inspection" if n % 2 else "spot_check_plan",
                note="已纳入本季度“双随机、一公开”抽查计划" if n % 2 == 0 else "",
                at=at,
            )
        monitor_sweep(now=max(at, after), since=_at(start))
    return after


def _publish(j, start: dt.date, as_of: dt.datetime, reform) -> Bulletin:
    b = Bulletin.objects.filter(jurisdiction=j, period_start=start).first()
    if b is None:
        b = svc.bulletin_generate(actor=None, jurisdiction=j, period_start=start, as_of=as_of)
    if b.state == "draft":
        svc.bulletin_review(
            actor=reform,
            bulletin=b,
            remarks="经核对，本期数据与审管互动平台推送、认领记录一致。请各部门对照通报查找原因、"
            "落实专人认领，超期认领情况严重的部门由市行政审批局提醒。",
        )
        b = svc.bulletin_publish(actor=reform, bulletin=b)
    return b


def _liaocheng(out: list[str]) -> None:
    from shenguan.catalog.models import LicensingItem
    from shenguan.linkage.models import ApprovalRecord
    from shenguan.org.models import LiaisonAssignment

    j = Jurisdiction.objects.filter(code="371500").first()
    names = ("lc_approver", "lc_reg_liaison", "lc_inspector", "lc_bureau_head", "lc_reform")
    u = {n: _user(n) for n in (*names, "lc_gov_office", "lc_bureau_liaison", "lc_reg_leader")}
    if j is None or any(u[n] is None for n in names):
        out.append("聊城市演示账号不全，跳过电子监察演示")
        return
    if ApprovalRecord.objects.filter(jurisdiction=j, case_number__startswith=PREFIX).exists():
        return
    items = [
        it
        for it in LicensingItem.objects.filter(
            jurisdiction=j, code__in=["37150000SC0005", "37150000ZJ0001"]
        ).order_by("code")
    ]
    if not items:
        out.append("聊城市事项清单未载入，跳过电子监察演示")
        return
    liaisons = {u["lc_reg_liaison"].department_id: u["lc_reg_liaison"]}
    for a in LiaisonAssignment.objects.filter(jurisdiction=j, user__isnull=False).select_related(
        "user"
    ):
        if a.user.can("push.claim"):
            liaisons.setdefault(a.department_id, a.user)
    starters = {u["lc_inspector"].department_id: u["lc_inspector"]}
    for dept, who in liaisons.items():
        if who.can("supervision.record"):
            starters.setdefault(dept, who)
    users = {"approver": u["lc_approver"], "liaisons": liaisons, "starters": starters}
    today = timezone.localdate()
    q3_start, q3_end = previous_period("quarter", today)
    q2_start, q2_end = previous_period("quarter", q3_start)
    plan = ["on_time", "late", "timeout", "on_time", "late", "timeout", "late", "on_time", "late"]
    after2 = _quarter(j, q2_start, q2_end, plan, users, items, 1)
    b2 = _publish(j, q2_start, after2, u["lc_reform"])
    # the bureau reminds the department with the most late claims (002 §23)
    rows = [r for r in b2.figures["rows"] if r["kind"] != "BUREAU" and r["late_claims"]]
    worst = max(rows, key=lambda r: (r["late_claims"], -(r["on_time_rate"] or 0)), default=None)
    esc = None
    if worst is not None:
        esc = svc.escalation_remind(
            actor=u["lc_bureau_head"],
            department=worst["department_id"],
            summary=f"{b2.label}收到推送{worst['pushes_received']}条，逾期人工认领"
            f"{worst['claimed_late']}条，超时自动认领{worst['auto_claimed']}条，超期认领情况严重。",
            bulletin=b2,
        )
    after3 = _quarter(
        j, q3_start, q3_end, ["late", "timeout", "on_time", "late", "timeout"] * 2, users, items, 40
    )
    b3 = _publish(j, q3_start, min(after3, timezone.now()), u["lc_reform"])
    if esc is not None:
        esc.refresh_from_db()
        if esc.level == "interview" and u["lc_gov_office"] is not None:
            svc.escalation_interview(
                actor=u["lc_gov_office"],
                escalation=esc,
                meeting_date=today,
                attendees="市政府办公室副主任；被约谈单位主要负责人、分管副局长、审管互动联络员；"
                "市行政审批服务局分管领导",
                commitments="一、明确两名联络员每日登录平台认领；二、一周内对超期认领件逐件"
                "启动监管；三、下一季度按时认领率达到95%以上。",
            )
    # today: a claimed approval dispatched and started, a feedback handled
    task = (
        SupervisionTask.objects.filter(jurisdiction=j, started_at__isnull=True)
        .order_by("-claimed_at")
        .first()
    )
    leader = u.get("lc_reg_leader")
    if task is not None and leader is not None and leader.department_id == task.department_id:
        svc.supervision_assign(actor=leader, task=task, inspector=u["lc_inspector"])
    from shenguan.linkage.models import Feedback

    bureau_liaison = u.get("lc_bureau_liaison")
    fb = Feedback.objects.filter(
        jurisdiction=j, kind="inspection", state="pushed", handling__isnull=True
    ).first()
    if fb is not None and bureau_liaison is not None:
        svc.feedback_handle(
            actor=bureau_liaison,
            feedback=fb,
            action="warning",
            note="已将该经营者列入警示信息库，后续同类申请重点审查后厨条件。",
        )
    monitor_sweep()
    out.append(
        f"聊城市：模拟{b2.label}、{b3.label}，通报已发布，督办 {1 if esc else 0} 件"
        f"（当前环节：{esc.get_level_display() if esc else '—'}）"
    )


def load() -> str:
    """Demo step 60: simulated past quarters, alerts, bulletins, a reminder and a 约谈."""
    from .figures import rollup_sweep

    out: list[str] = []
    _liaocheng(out)
    rollup_sweep()
    monitor_sweep()
    return "；".join(out) or "电子监察演示数据已存在 / oversight demo already present"
