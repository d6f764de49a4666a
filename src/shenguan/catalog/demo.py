"""Demo step 20 (事项清单演示数据): Yiyang's first-batch linkage list imported from the generated
003 workbook and published; Liaocheng's catalogue with transfer statuses (transferred, a later
batch 机构改革后划转, retained in the hall), related items, supervision items, linkage entries,
a signed handover memo and a published list — with one gap left on purpose for the gap report.

Idempotent: a second run finds the rows and writes nothing. Liaocheng codes are illustrative.
"""

from __future__ import annotations

import datetime as dt
import io

from shenguan.org.models import Department, Division, Jurisdiction

from . import importers, services
from .models import (
    HandoverMemo,
    LicensingItem,
    LinkageEntry,
    LinkageListVersion,
    PushMethod,
    Stage,
    SupervisionItem,
    TransferStatus,
)
from .seed003 import BUREAU, ROWS, build_xlsx

# Names under which the org step may have created Yiyang's departments (alias table).
YIYANG_ALIASES: dict[str, tuple[str, ...]] = {
    BUREAU: ("区经济合作局（政务管理服务局）", "区经济合作局", "区政务管理服务局", "区经合局"),
    "区社会事务局": ("益阳高新区社会事务局",),
    "区产业发展局": ("益阳高新区产业发展局",),
    "区开发建设局": ("益阳高新区开发建设局",),
    "区消防救援大队": ("益阳高新区消防救援大队",),
}
YIYANG_PUBLISHED = dt.date(2023, 10, 16)  # the date 003 was issued


def _yiyang(out: list[str]) -> None:
    j = Jurisdiction.objects.filter(code="430971").first()
    if j is None:
        out.append("益阳高新区不存在，跳过")
        return
    if LinkageEntry.objects.filter(jurisdiction=j).exists():
        return
    refs = importers._Refs(j.pk)
    names = {BUREAU} | {r[3] for r in ROWS}
    for name in sorted(names):
        if refs.dept(name) is not None:
            continue
        for candidate in YIYANG_ALIASES.get(name, ()):
            dept = Department.objects.filter(jurisdiction=j, name=candidate).first()
            if dept is not None:
                services.department_alias_set(
                    actor=None, jurisdiction=j, alias=name, department=dept
                )
                break
    report = importers.linkage_import(
        actor=None,
        jurisdiction=j,
        source=io.BytesIO(build_xlsx()),
        filename="益阳高新区审管联动事项清单（第一批）.xlsx",
        dry_run=False,
        valid_from=YIYANG_PUBLISHED,
    )
    services.list_publish(
        actor=None,
        jurisdiction=j,
        title="益阳高新区审管联动事项清单（第一批）",
        published_on=YIYANG_PUBLISHED,
        note="依据《益阳高新区审管联动实施方案》附件",
    )
    out.append(f"益阳高新区：导入并公布联动事项 {report.records} 条")


# --- Liaocheng -------------------------------------------------------------------------------

LC_START = dt.date(2021, 9, 1)  # the Liaocheng measures of 2021-08-29 in force

# (code, name, department key, statutory, promised, flags, main code)
LC_ITEMS = (
    ("37150000SC0001", "食品生产许可", "samr", 20, 10, {"needs_site_inspection": True}, None),
    ("37150000SC0002", "食品生产许可变更", "samr", 20, 10, {}, "37150000SC0001"),
    ("37150000SC0003", "食品生产许可延续", "samr", 20, 10, {}, "37150000SC0001"),
    ("37150000SC0004", "食品生产许可注销", "samr", 20, 5, {}, "37150000SC0001"),
    ("37150000SC0005", "食品经营许可", "samr", 20, 7, {"commitment_allowed": True}, None),
    ("37150000SC0006", "特种设备使用登记", "samr", 15, 10, {}, None),
    (
        "37150000ZJ0001",
        "建筑工程施工许可证核发",
        "housing",
        7,
        3,
        {"accept_with_gaps_allowed": True},
        None,
    ),
    (
        "37150000ZJ0002",
        "建设工程消防验收",
        "housing",
        15,
        10,
        {"needs_site_inspection": True},
        None,
    ),
    (
        "37150000JT0001",
        "道路货物运输经营许可",
        "transport",
        20,
        5,
        {"commitment_allowed": True},
        None,
    ),
    ("37150000JT0002", "公路超限运输许可", "transport", 15, 5, {}, None),
    (
        "37150000WJ0001",
        "医疗机构执业登记",
        "health",
        45,
        20,
        {"needs_site_inspection": True, "needs_expert_review": True},
        None,
    ),
    ("37150000WJ0002", "放射诊疗许可", "health", 20, 15, {"needs_expert_review": True}, None),
    (
        "37150000HB0001",
        "建设项目环境影响评价文件审批",
        "ecology",
        60,
        30,
        {"needs_expert_review": True, "needs_public_notice": True, "needs_hearing": True},
        None,
    ),
)

LC_DEPTS = {
    "bureau": "聊城市行政审批服务局",
    "samr": "聊城市市场监督管理局",
    "housing": "聊城市住房和城乡建设局",
    "transport": "聊城市交通运输局",
    "health": "聊城市卫生健康委员会",
    "ecology": "聊城市生态环境局",
}

# (code, name, department key, division)
LC_SUPERVISION = (
    ("371500101W00", "对食品生产者的监督检查", "samr", "食品生产监管科"),
    ("371500102W00", "食品生产环节抽样检验", "samr", "食品生产监管科"),
    ("371500103W00", "对食品经营者的监督检查", "samr", ""),
    ("371500201W00", "对建筑工程施工的监督检查", "housing", "工程质量安全监管科"),
    ("371500202W00", "建筑市场主体行为监督检查", "housing", "建筑市场监管科"),
    ("371500301W00", "对道路货物运输经营者的监督检查", "transport", "运输管理科"),
    ("371500501W00", "建设项目环境影响评价文件执行情况的监督检查", "ecology", "环境影响评价科"),
    ("371500502W00", "排污许可证执行情况的监督检查", "ecology", "生态环境执法监督科"),
)

# (item code, department key, supervision codes, stages, push method, approval duties,
#  supervision duties)
LC_ENTRIES = (
    (
        "37150000SC0001",
        "samr",
        ("371500101W00", "371500102W00"),
        (Stage.TECHNICAL_REVIEW, Stage.RESULT_PUSH, Stage.SUPERVISION_FEEDBACK),
        PushMethod.PLATFORM,
        "受理、审查、现场核查的组织与许可决定；办结后立即推送审批信息及风险点。",
        "2个工作日内认领；开展日常监督检查与抽检，发现影响许可情形的3个工作日内推送。",
    ),
    (
        "37150000SC0005",
        "samr",
        ("371500103W00",),
        (Stage.RESULT_PUSH, Stage.SUPERVISION_FEEDBACK),
        PushMethod.PLATFORM,
        "告知承诺审批；推送承诺事项清单。",
        "对承诺履行情况开展核查。",
    ),
    (
        "37150000ZJ0001",
        "housing",
        ("371500201W00", "371500202W00"),
        (Stage.PRIOR_GUIDANCE, Stage.RESULT_PUSH, Stage.SUPERVISION_FEEDBACK),
        PushMethod.API,
        "施工许可审批；结果通过工程建设项目审批系统推送。",
        "施工质量安全监督与建筑市场监管。",
    ),
    (
        "37150000JT0001",
        "transport",
        ("371500301W00",),
        (Stage.RESULT_PUSH, Stage.SUPERVISION_FEEDBACK),
        PushMethod.PLATFORM,
        "道路货运经营许可；推送许可信息。",
        "经营行为监督检查及信用管理。",
    ),
    (
        "37150000HB0001",
        "ecology",
        ("371500501W00",),
        (
            Stage.PRIOR_GUIDANCE,
            Stage.JOINT_REVIEW,
            Stage.TECHNICAL_REVIEW,
            Stage.RESULT_PUSH,
            Stage.SUPERVISION_FEEDBACK,
        ),
        PushMethod.LETTER,
        "组织专家评审和公示，作出审批决定。",
        "参加联审会；环评执行情况的事中事后监管。",
    ),
)


def _liaocheng(out: list[str]) -> None:
    j = Jurisdiction.objects.filter(code="371500").first()
    if j is None:
        out.append("聊城市不存在，跳过")
        return
    depts = {
        k: Department.objects.filter(jurisdiction=j, name=n).first() for k, n in LC_DEPTS.items()
    }
    if any(d is None for d in depts.values()):
        out.append("聊城市部门不全，跳过")
        return
    created = 0
    items: dict[str, LicensingItem] = {}
    for code, name, dkey, sd, pd, flags, main in LC_ITEMS:
        item = LicensingItem.objects.filter(jurisdiction=j, code=code).first()
        if item is None:
            item = services.item_create(
                actor=None,
                jurisdiction=j,
                code=code,
                name=name,
                original_department=depts[dkey],
                statutory_days=sd,
                promised_days=pd,
                main_item=items.get(main) if main else None,
                effective_on=dt.date(2021, 8, 15),
                **flags,
            )
            created += 1
        items[code] = item
    bureau = depts["bureau"]

    def status(code, st, when, **kw):
        it = LicensingItem.objects.get(pk=items[code].pk)
        if it.transfer_status == TransferStatus.UNDECIDED:
            services.transfer_record(actor=None, item=it, status=st, effective_on=when, **kw)

    # 食品生产许可 and its related items move by a signed memo
    if not HandoverMemo.objects.filter(jurisdiction=j).exists():
        memo = services.memo_create(
            actor=None,
            from_department=depts["samr"],
            to_department=bureau,
            items=[items["37150000SC0001"], items["37150000SC0005"]],
            number="聊审管备〔2021〕1号",
            title="市市场监管局与市行政审批服务局食品类许可事项审管衔接备忘录",
            checklist=[
                {
                    "kind": "documents",
                    "description": "食品生产、经营许可审查细则及相关文件",
                    "quantity": "12件",
                },
                {
                    "kind": "archives",
                    "description": "2019年以来食品生产许可案卷",
                    "quantity": "356卷",
                },
                {
                    "kind": "certificate_stock",
                    "description": "食品生产许可证空白证书",
                    "quantity": "800份",
                },
                {
                    "kind": "systems_data",
                    "description": "食品生产许可管理系统账号及历史数据",
                    "quantity": "1套",
                },
                {
                    "kind": "keys_devices",
                    "description": "许可证打印机及电子印章密钥",
                    "quantity": "2套",
                },
                {
                    "kind": "guidance_files",
                    "description": "食品生产许可审查通则（培训资料）",
                    "quantity": "1册",
                },
            ],
            duty_boundary=(
                "市行政审批服务局负责食品生产、经营许可的受理、审查、决定和证照发放，对审批结果负责；\n"
                "市市场监督管理局负责事中事后监管、监督抽检和行政处罚；\n"
                "职责边界未明确的事项，暂由市市场监督管理局继续实施。"
            ),
            feedback_arrangement=(
                "审批办结后立即通过审管互动平台推送，市场监管局2个工作日内认领；\n"
                "监管中发现影响许可的情形，公布后3个工作日内推送市行政审批服务局。"
            ),
            technical_support="现场核查由市行政审批服务局组织，专业性强的由市场监管局派员并出具书面意见。",
            from_signatory="王志强",
            from_signatory_title="副局长",
            to_signatory="高建国",
            to_signatory_title="副局长",
        )
        services.memo_sign(actor=None, memo=memo, signed_on=LC_START)
    for code in ("37150000ZJ0001", "37150000JT0001", "37150000WJ0001", "37150000HB0001"):
        status(code, TransferStatus.TRANSFERRED, LC_START)
    status(
        "37150000ZJ0002",
        TransferStatus.PLANNED,
        dt.date(2021, 8, 29),
        batch_name="机构改革后划转",
        planned_on=dt.date(2022, 1, 1),
    )
    status(
        "37150000JT0002",
        TransferStatus.PLANNED,
        dt.date(2021, 8, 29),
        batch_name="第二批",
        planned_on=dt.date(2022, 6, 30),
    )
    status(
        "37150000SC0006",
        TransferStatus.RETAINED,
        dt.date(2021, 8, 29),
        reason="涉及特种设备安全监察，专业性强，暂不划转",
        hall_window="市民中心二楼B区18号窗口（市场监管局窗口）",
    )
    status(
        "37150000WJ0002",
        TransferStatus.RETAINED,
        dt.date(2021, 8, 29),
        reason="放射卫生技术审查条件尚不成熟",
        hall_window="市民中心二楼C区6号窗口",
    )

    sups: dict[str, SupervisionItem] = {}
    for code, name, dkey, div_name in LC_SUPERVISION:
        s = SupervisionItem.objects.filter(jurisdiction=j, code=code).first()
        if s is None:
            div = Division.objects.filter(department=depts[dkey], name=div_name).first()
            s = services.supervision_item_create(
                actor=None,
                jurisdiction=j,
                code=code,
                name=name,
                regulator=depts[dkey],
                division=div,
            )
        sups[code] = s
    if not LinkageEntry.objects.filter(jurisdiction=j).exists():
        for seq, (icode, dkey, codes, stages, push, a_duty, s_duty) in enumerate(LC_ENTRIES, 1):
            reg_div = sups[codes[0]].division
            services.entry_create(
                actor=None,
                jurisdiction=j,
                item=items[icode],
                regulator=depts[dkey],
                supervision_items=[sups[c] for c in codes],
                approval_department=bureau,
                regulator_division=reg_div,
                power_type="licensing",
                stages=list(stages),
                push_method=push,
                approval_duties=a_duty,
                supervision_duties=s_duty,
                seq=seq,
                valid_from=LC_START,
            )
    if not LinkageListVersion.objects.filter(jurisdiction=j).exists():
        services.list_publish(
            actor=None,
            jurisdiction=j,
            title="聊城市审管互动边界清单",
            published_on=LC_START,
            note="依据《聊城市强化审管互动工作暂行办法》第九条",
        )
    if created:
        out.append(f"聊城市：新建事项 {created} 项，含备忘录、联动清单与公布版本")


def load_catalog_demo() -> str:
    """Demo step 20: the catalogue of Yiyang (003) and Liaocheng (002)."""
    out: list[str] = []
    _yiyang(out)
    _liaocheng(out)
    return "；".join(out) or "事项清单已存在，未写入新数据 / catalogue already present"
