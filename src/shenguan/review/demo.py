"""Demo step 55 (审批过程审管互动演示数据): Liaocheng's technical-step table for food business and
building permits, and three cases in every state of a technical opinion request — answered with
conditions and claimed by the bureau, waiting for the regulator's claim, and past its deadline
(the monitor, step 60, raises its alert).

Idempotent: skipped when demo cases "DEMO-RV-…" exist. Names and numbers are invented.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from stdnum.cn import uscc

from shenguan.calendar import workdays
from shenguan.linkage import services as lk
from shenguan.linkage.models import ApprovalRecord, Push
from shenguan.org.models import Department, Jurisdiction, User

from . import services as svc
from .models import TechnicalStep

CITY = "371500"
FOOD_BASIS = "《食品经营许可和备案管理办法》第十八条"
POOL_BASIS = "《聊城市强化审管互动工作暂行办法》第十四条"


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


def _steps(j, items: dict, bureau, samr, housing, actor) -> None:
    if TechnicalStep.objects.filter(jurisdiction=j).exists():
        return
    food, build = items.get("37150000SC0005"), items.get("37150000ZJ0001")
    inspect_food = "对经营场所布局、设施设备、卫生条件进行现场核查，制作现场核查记录并出具书面意见"
    expert_build = (
        "从专家库随机抽取结构、消防专业专家各2名，对施工图审查意见和安全措施进行评审并出具评审意见"
    )
    rows = []
    if food is not None:
        rows.append((food, "site_inspection", "regulator", samr, inspect_food, 5, FOOD_BASIS))
        rows.append(
            (food, "technical_review", "bureau", bureau, "审批局核对申请材料与核查记录", 2, "")
        )
    if build is not None and housing is not None:
        rows.append((build, "expert_review", "regulator", housing, expert_build, 10, POOL_BASIS))
        rows.append(
            (build, "site_inspection", "regulator", housing, "核查施工现场具备施工条件", 5, "")
        )
    for item, kind, performer, dept, procedure, days, basis in rows:
        svc.step_create(
            actor=actor,
            item=item,
            step_kind=kind,
            performer=performer,
            department=dept,
            procedure=procedure,
            time_limit_days=days,
            valid_from=dt.date(2024, 1, 1),
            basis=basis,
        )


def _case(clerk, item, n: int, accepted: dt.date) -> ApprovalRecord:
    return lk.record_create(
        actor=clerk,
        data={
            "item": item,
            "case_number": f"DEMO-RV-{accepted:%Y%m%d}-{n:03d}",
            "applicant_kind": "legal",
            "applicant_name": (
                "聊城市东昌府区鲁味轩餐饮有限公司",
                "聊城市安居置业有限公司",
                "聊城市金穗食品超市有限公司",
            )[n % 3],
            "applicant_uscc": _credit_code(7100 + n),
            "legal_representative": ("马文斌", "郑国强", "吴静")[n % 3],
            "contact_name": ("马文斌", "郑国强", "吴静")[n % 3],
            "contact_phone": f"1380635{4100 + n:04d}",
            "address": "东昌府区东昌东路18号",
            "accepted_on": accepted,
        },
        source="ui",
    )


SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = (
    "建国",
    "海燕",
    "志强",
    "秀兰",
    "文博",
    "立群",
    "晓东",
    "春梅",
    "明远",
    "慧敏",
    "国栋",
    "丽娟",
)
EMPLOYERS = (
    ("聊城市建筑设计研究院有限公司", 7201),
    ("聊城大学", 7202),
    ("聊城市食品药品检验检测中心", 7203),
    ("山东聊建第一建设集团有限公司", 7204),
    ("阳谷县疾病预防控制中心", 7205),
    ("聊城市消防救援支队", 7206),
)


def _experts(j, head, reg) -> int:
    """A pool of 36 experts over six specialities, a third from the county, one unavailable
    and one with a declared conflict (Liaocheng)."""
    from shenguan.org.models import Jurisdiction as J

    county = J.objects.filter(code="371521").first() or j
    specs = ("food", "fire", "structure", "environment", "work_safety", "special_equipment")
    today = timezone.localdate()
    made = []
    for n in range(36):
        employer, code = EMPLOYERS[n % len(EMPLOYERS)]
        keeper = head if n % 2 else reg
        made.append(
            svc.expert_create(
                actor=keeper,
                jurisdiction_id=(county if n % 3 == 2 else j).pk,
                department_id=keeper.department_id,
                data={
                    "name": SURNAMES[n % len(SURNAMES)] + GIVEN[n % len(GIVEN)],
                    "title": ("senior", "associate", "intermediate")[n % 3],
                    "employer": employer,
                    "employer_uscc": _credit_code(code),
                    "phone": f"1390635{6000 + n:04d}",
                    "review_due": today + dt.timedelta(days=90 + 10 * n),
                    "specialities": sorted({specs[n % 6], specs[(n // 6) % 6]}),
                },
            )
        )
    svc.expert_update(
        actor=head, expert=made[4], data={"available": False, "unavailable_note": "外出学习至月底"}
    )
    svc.expert_conflict_declare(
        actor=reg,
        expert=made[0],
        party_uscc=_credit_code(7101),
        party_name="聊城市东昌府区鲁味轩餐饮有限公司",
        reason="近三年为其提供食品安全管理咨询",
    )
    return len(made)


def _draw(approver, rec, request) -> None:
    """The bureau draws two food-safety experts for case 1; one declines and is replaced."""
    d = svc.draw_create(
        actor=approver,
        record=rec,
        needs={"food": 2},
        purpose="中央厨房食品安全专家论证",
        at=_at(_working_days_ago(2), 11),
    )
    first, second = d.members.order_by("position")
    svc.draw_respond(actor=approver, member=first, accept=True, at=_at(_working_days_ago(2), 14))
    new = svc.draw_respond(
        actor=approver,
        member=second,
        accept=False,
        reason="与论证时间冲突",
        at=_at(_working_days_ago(2), 15),
    )
    svc.draw_respond(actor=approver, member=new, accept=True, at=_at(_working_days_ago(2), 16))
    svc.draw_opinion(actor=approver, member=first, opinion="加工流程布局合理，冷藏设施满足要求。")


def _notice_and_certificate(j, clerk, approver, head, reg, food, housing) -> None:
    """The food item is flagged for public notice and for certificates issued by the market
    regulator (an item change the regulators are told of); one notice closed with an objection
    and a deemed no-objection, one open; one certificate task past its limit."""
    from shenguan.catalog import services as cat

    cat.item_update(
        actor=head, item=food, needs_public_notice=True, regulator_issues_certificate=True
    )
    food.refresh_from_db()
    regs = [reg.department] + ([housing] if housing is not None else [])
    old_start = _working_days_ago(14)
    rec4 = _case(approver, food, 4, _working_days_ago(16))
    n = svc.notice_publish(
        actor=approver,
        record=rec4,
        title="聊城市金穗食品超市有限公司食品经营许可（含中央厨房）公示",
        content="申请人拟在东昌府区东昌东路18号新建中央厨房，现予公示，联系电话13806354104。",
        period_unit="working",
        period_days=5,
        regulators=regs,
        starts_on=old_start,
        at=_at(old_start, 9),
    )
    svc.notice_answer(
        actor=reg,
        notice=n,
        objection=True,
        text="经核查，排烟管道临近居民楼，需按规范加装油烟净化设施。",
        at=_at(_working_days_ago(12), 15),
    )
    svc.notice_close(actor=approver, notice=n)
    svc.notice_handle(
        actor=approver, notice=n, party=n.parties.get(answer="objection"),
        handling="已告知申请人整改，整改完成后由市场监管局复核。",
    )  # fmt: skip
    rec5 = _case(clerk, food, 5, _working_days_ago(2))
    svc.notice_publish(
        actor=approver,
        record=rec5,
        title="刘桂芳食品经营许可申请公示",
        content="申请人刘桂芳（电话13806354105）申请在古楼街道光岳路12号经营小餐饮。",
        period_unit="calendar",
        period_days=7,
        regulators=regs,
    )
    decided = _working_days_ago(12)
    lk.record_update(
        actor=approver,
        record=rec4,
        data={
            "decided_on": decided,
            "decision_number": "聊审批食许〔2026〕318号",
            "result": "granted",
            "licence_number": "JY23715020004104",
            "licence_valid_until": decided.replace(year=decided.year + 5),
        },
    )
    rec4.refresh_from_db()
    lk.record_complete(actor=approver, record=rec4, at=_at(decided, 16))


def _meeting(approver, rec, samr, housing) -> None:
    """A joint review meeting held on case 1 with its minutes."""
    held = _at(_working_days_ago(4), 9)
    m = svc.meeting_convene(
        actor=approver,
        records=[rec],
        title="中央厨房项目联审会",
        held_at=held,
        agenda="一、申请人汇报中央厨房建设方案；二、市场监管、住建部门发表意见；三、形成会议结论",
        departments=[samr] + ([housing] if housing is not None else []),
        place="市民服务中心三楼第二会议室",
        at=_at(_working_days_ago(6), 16),
    )
    svc.meeting_record(
        actor=approver,
        meeting=m,
        minutes="会议听取了申请人关于中央厨房建设方案的汇报。与会部门认为加工区布局基本合理，"
        "排烟设施须整改到位；建筑消防设计须经审查合格。",
        attendance={samr.pk: "周建华、黄振宇"},
        opinions={samr.pk: "同意，排烟设施整改后复核"},
        conclusions={rec.pk: "原则同意，待排烟设施整改复核后作出许可决定"},
        at=_at(_working_days_ago(4), 12),
    )


def load() -> str:
    """Demo step 55: the technical-step table and three opinion requests."""
    j = Jurisdiction.objects.filter(code=CITY).first()
    clerk, approver = _user("lc_clerk"), _user("lc_approver")
    head, reg, leader = _user("lc_bureau_liaison"), _user("lc_reg_liaison"), _user("lc_reg_leader")
    if j is None or None in (clerk, approver, head, reg, leader):
        return "聊城市演示账号不全，跳过技术审查演示数据"
    if ApprovalRecord.objects.filter(jurisdiction=j, case_number__startswith="DEMO-RV-").exists():
        return "技术审查演示数据已存在 / review demo already present"
    from shenguan.catalog.models import LicensingItem

    items = {it.code: it for it in LicensingItem.objects.filter(jurisdiction=j)}
    bureau = approver.department
    samr = reg.department
    housing = Department.objects.filter(jurisdiction=j, name="聊城市住房和城乡建设局").first()
    _steps(j, items, bureau, samr, housing, head)
    food = items.get("37150000SC0005")
    if food is None:
        return "聊城市事项清单未载入，跳过技术审查演示数据"
    # 1. answered with conditions, claimed by the bureau (the case can be decided)
    d0 = _working_days_ago(7)
    rec = _case(clerk, food, 1, d0)
    r = svc.opinion_request(
        actor=approver,
        record=rec,
        step_kind="site_inspection",
        question="申请人新增中央厨房，请核查加工区布局和排烟设施",
        at=_at(_working_days_ago(6)),
    )
    lk.push_claim(
        actor=reg, push=Push.objects.get(pk=r.request_push_id), at=_at(_working_days_ago(6), 15)
    )
    answered = _at(_working_days_ago(3), 16)
    r = svc.opinion_answer(
        actor=leader,
        request=r,
        conclusion="conditional",
        reasons="加工区生熟分区符合要求；排烟管道未接入专用烟道，须于开业前整改到位并报备。",
        performers="黄振宇、孙丽",
        signing_leader="周建华",
        opinion_date=answered.date(),
        attachments=[{"name": "现场核查记录.pdf", "sha256": ""}],
        at=answered,
    )
    lk.push_claim(
        actor=head, push=Push.objects.get(pk=r.opinion_push_id), at=_at(_working_days_ago(2))
    )
    # 2. sent this morning, waiting for the regulator's claim
    rec2 = _case(clerk, food, 2, _working_days_ago(1))
    svc.opinion_request(
        actor=approver,
        record=rec2,
        step_kind="site_inspection",
        question="请核查经营场所与申报平面图是否一致",
        at=_at(timezone.localdate(), 9) if workdays.is_working_day(timezone.localdate()) else None,
    )
    # 3. past its deadline, claimed but not answered (e-monitoring: red)
    rec3 = _case(clerk, food, 3, _working_days_ago(12))
    r3 = svc.opinion_request(
        actor=approver,
        record=rec3,
        step_kind="site_inspection",
        question="请对仓储区温控设施进行现场核查",
        at=_at(_working_days_ago(9)),
    )
    lk.push_claim(
        actor=reg, push=Push.objects.get(pk=r3.request_push_id), at=_at(_working_days_ago(8))
    )
    experts = _experts(j, head, reg)
    _draw(approver, rec, r)
    _notice_and_certificate(j, clerk, approver, head, reg, food, housing)
    _meeting(approver, rec, reg.department, housing)
    return (
        "技术性环节清单、技术审查函 3 件（已答复、待认领、逾期未答复）、"
        f"评审专家 {experts} 名、专家抽取 1 次、审批公示 2 件、配发证照任务 1 件、联审会 1 次"
    )
