"""Demo step 30 (审管联动演示数据): approvals of Liaocheng and the Yiyang zone with pushes in every
state (to claim, claimed, auto-claimed, claimed on push), a supervision gap, feedback (an
abnormal inspection, a penalty, a correction request), a revocation opinion disposed by
cancelling the licence, notices both ways and the catalogue's change notices.

Idempotent: a jurisdiction that already holds demo records (case numbers "DEMO-…") is skipped.
Applicants and numbers are invented; ID numbers carry valid check digits (python-stdnum).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from stdnum.cn import ric, uscc

from shenguan.calendar import workdays
from shenguan.org.models import Jurisdiction, User

from . import services as svc
from .models import ApprovalRecord, Licence, Push


def _id_number(seed: int) -> str:
    body = f"371502{1998 + seed % 8}{1 + seed % 12:02d}{1 + seed % 27:02d}{100 + seed:03d}"
    return body + ric.calc_check_digit(body + "0")


def _credit_code(seed: int) -> str:
    body = f"91371500MA3C{seed:04d}0"
    return body + uscc.calc_check_digit(body + "0")


def _user(username: str) -> User | None:
    return User.objects.select_related("department").filter(username=username).first()


def _working_days_ago(n: int) -> dt.date:
    d = timezone.localdate()
    while n:
        d -= dt.timedelta(days=1)
        if workdays.is_working_day(d):
            n -= 1
    return d


def _at(d: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(hour, 0), tzinfo=workdays.SHANGHAI)


APPLICANTS = (
    ("legal", "聊城市东昌府区福满楼餐饮有限公司", "王建军", "东昌府区柳园南路88号"),
    ("person", "刘桂芳", "", "东昌府区古楼街道光岳路12号"),
    ("legal", "聊城鲁西佳惠超市有限公司", "陈立新", "高新区黄河路216号"),
    ("person", "张秀英", "", "开发区东城街道长江路9号"),
    ("legal", "聊城市运通物流有限公司", "赵海涛", "茌平区信发街道振兴路3号"),
    ("legal", "山东聊建第一建设集团有限公司", "孙志远", "东昌府区建设路66号"),
    ("person", "李红梅", "", "东昌府区新区街道东昌路20号"),
    ("legal", "聊城市康宁医院有限公司", "周国庆", "东昌府区兴华西路5号"),
)


# Who plausibly applies for what (issue 12 item 10: a restaurant was given a medical-institution
# licence): hospitals for medical items, builders for construction, the others for the rest.
_MEDICAL, _BUILDER = 7, 5
_TRADERS = (0, 1, 2, 3, 6)


def applicant_for(item, n: int) -> tuple[str, str, str, str]:
    """The demo applicant of the n-th record of an item, chosen by the item's trade."""
    name = getattr(item, "name", "") or ""
    if "医疗" in name or "诊所" in name or "医院" in name:
        return APPLICANTS[_MEDICAL]
    if "建筑" in name or "施工" in name:
        return APPLICANTS[_BUILDER]
    return APPLICANTS[_TRADERS[n % len(_TRADERS)]]


def _data(item, n: int, decided: dt.date, prefix: str) -> dict:
    kind, name, rep, addr = applicant_for(item, n)
    case = f"DEMO-{prefix}-{decided:%Y%m%d}-{n:03d}"
    return {
        "item": item,
        "case_number": case,
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_id_number": _id_number(n) if kind == "person" else "",
        "applicant_uscc": _credit_code(n) if kind == "legal" else "",
        "legal_representative": rep,
        "contact_name": rep or name,
        "contact_phone": f"1380635{3000 + n:04d}",
        "address": f"{addr}",
        "accepted_on": decided - dt.timedelta(days=5),
        "decided_on": decided,
        "decision_number": f"{prefix}审批〔{decided.year}〕{100 + n}号",
        "result": "granted",
        "licence_number": f"{prefix}XK{decided:%Y}{1000 + n:05d}",
        "licence_valid_until": decided.replace(year=decided.year + 5),
        "risk_points": "经营场所与住宅楼相邻，需关注油烟和消防安全。" if n % 2 else "",
    }


def _record(bureau_user, item, n, decided, prefix, at=None):
    rec = svc.record_create(actor=bureau_user, data=_data(item, n, decided, prefix), source="ui")
    pushes = svc.record_complete(actor=bureau_user, record=rec, at=at)
    return rec, pushes


def _liaocheng(out: list[str]) -> None:
    from shenguan.catalog.models import LicensingItem

    j = Jurisdiction.objects.filter(code="371500").first()
    approver, reg = _user("lc_approver"), _user("lc_reg_liaison")
    leader, inspector = _user("lc_reg_leader"), _user("lc_inspector")
    bureau_liaison = _user("lc_bureau_liaison")
    if j is None or None in (approver, reg, leader, inspector, bureau_liaison):
        out.append("聊城市演示账号不全，跳过")
        return
    if ApprovalRecord.objects.filter(jurisdiction=j, case_number__startswith="DEMO-").exists():
        return
    items = {it.code: it for it in LicensingItem.objects.filter(jurisdiction=j)}
    food, build, clinic = (
        items.get("37150000SC0005"),
        items.get("37150000ZJ0001"),
        items.get("37150000WJ0001"),
    )
    if food is None or build is None:
        out.append("聊城市事项清单未载入，跳过")
        return
    from .sweeps import change_notices_sync, push_auto_claim_due, push_claims_materialize

    # auto-claimed: completed 4 working days ago and left unclaimed
    old = _working_days_ago(4)
    for n in (1, 2):
        _record(approver, food, n, old, "LC", at=_at(old))
    push_auto_claim_due()
    push_claims_materialize()
    # claimed by the liaison, with feedback
    d1 = _working_days_ago(2)
    rec_c, (p_c,) = _record(approver, food, 3, d1, "LC", at=_at(d1))
    svc.push_claim(actor=reg, push=p_c, at=_at(d1, 15))
    svc.feedback_create(
        actor=inspector,
        kind="inspection",
        abnormal=True,
        record=rec_c,
        title="日常监督检查发现问题",
        content="后厨防蝇设施缺失，已责令限期整改。",
        published_on=timezone.localdate(),
    )
    # a revocation opinion disposed by cancelling the licence (000 §17)
    rec_r, (p_r,) = _record(approver, food, 4, d1, "LC", at=_at(d1, 11))
    svc.push_claim(actor=reg, push=p_r, at=_at(d1, 16))
    lic = Licence.objects.get(record=rec_r)
    opinion = svc.feedback_create(
        actor=leader,
        kind="revocation_opinion",
        licence=lic,
        title="建议注销食品经营许可证",
        content="经营者已申请终止经营，现场核查已停业，建议依法注销。",
        document_number="聊市监处〔2026〕21号",
        published_on=timezone.localdate(),
    )
    svc.disposal_record(
        actor=approver,
        feedback=opinion,
        outcome="cancel",
        decision_number="聊审批注〔2026〕7号",
        decided_on=timezone.localdate(),
    )
    # a correction request waiting for the bureau's answer (000 §20)
    svc.feedback_create(
        actor=reg,
        kind="correction_request",
        record=rec_c,
        title="许可审查建议补充现场核查",
        content="该经营者经营场所面积与申报材料不符，建议复核。",
        published_on=timezone.localdate(),
    )
    # to claim today
    today = timezone.localdate()
    for n in (5, 6):
        _record(approver, food, n, today, "LC")
    _record(approver, build, 7, today, "LC")
    # a supervision gap: no linkage entry for this item
    if clinic is not None:
        _record(approver, clinic, 8, today, "LC")
    # notices both ways
    from shenguan.org.models import Department

    samr = Department.objects.filter(jurisdiction=j, name="聊城市市场监督管理局").first()
    if samr is not None:
        svc.notice_create(
            actor=bureau_liaison,
            kind="document_copy",
            title="关于推行食品经营许可告知承诺制的通知",
            content="自下月起，食品经营许可全面推行告知承诺制，请同步做好承诺核查。",
            document_number="聊审批发〔2026〕12号",
            published_on=today,
            addressees=[samr],
        )
    bureau = approver.department
    svc.notice_create(
        actor=reg,
        kind="law_policy_change",
        title="《食品经营许可和备案管理办法》施行",
        content="国家市场监督管理总局令第92号施行，许可条件有调整，请审批局同步执行。",
        published_on=today,
        addressees=[bureau],
    )
    change_notices_sync()
    n = ApprovalRecord.objects.filter(jurisdiction=j, case_number__startswith="DEMO-").count()
    out.append(f"聊城市：办件 {n} 件，推送 {Push.objects.filter(jurisdiction=j).count()} 条")


def _yiyang(out: list[str]) -> None:
    from shenguan.catalog.models import LicensingItem

    j = Jurisdiction.objects.filter(code="430971").first()
    approver, reg, inspector = _user("yy_approver"), _user("yy_reg_liaison"), _user("yy_inspector")
    if j is None or None in (approver, reg, inspector):
        out.append("益阳高新区演示账号不全，跳过")
        return
    if ApprovalRecord.objects.filter(jurisdiction=j, case_number__startswith="DEMO-").exists():
        return
    item = LicensingItem.objects.filter(jurisdiction=j, name="建筑工程施工许可证核发").first()
    if item is None:
        out.append("益阳高新区事项清单未载入，跳过")
        return
    today = timezone.localdate()
    recs = []
    for n in (1, 2, 3):
        rec, _pushes = _record(approver, item, n, today, "YY")  # claimed on push (推送即认领)
        recs.append(rec)
    svc.feedback_create(
        actor=inspector,
        kind="inspection",
        abnormal=False,
        record=recs[0],
        title="施工现场质量安全检查",
        content="检查结果正常。",
        published_on=today,
    )
    svc.feedback_create(
        actor=inspector,
        kind="inspection",
        abnormal=True,
        record=recs[1],
        title="施工现场安全隐患",
        content="脚手架连墙件缺失，已下达整改通知。",
        published_on=today,
    )
    out.append(f"益阳高新区：办件 {len(recs)} 件（推送即认领）")


def load_linkage_demo() -> str:
    """Demo step 30: approvals, pushes, claims, feedback and a disposal."""
    out: list[str] = []
    _liaocheng(out)
    _yiyang(out)
    return "；".join(out) or "审管联动演示数据已存在 / linkage demo already present"
