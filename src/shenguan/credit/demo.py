"""Demo step 70 (信用联动演示数据), Liaocheng: two joint-punishment lists imported, a manual
warning (fraud found in an application), a dishonest company accepted by the green channel
only after the bureau head's recorded exception, a 告知承诺 approval waiting for the regulator's
verification and another found "not kept" (revocation opinion + warning entry), a penalty in
effect as a 双公示 record, and the licence records of every granted case.

Idempotent: a jurisdiction that already holds list entries is skipped. Names are invented.
The fake platform (`shenguan credit_fake_platform`) answers queries for DEMO_PLATFORM_RECORDS.
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from stdnum.cn import ric, uscc

from shenguan.core.sheets.writer import write_csv


def _uscc(prefix17: str) -> str:
    return prefix17 + uscc.calc_check_digit(prefix17 + "0")


def _ric(prefix17: str) -> str:
    return prefix17 + ric.calc_check_digit(prefix17 + "0")


DISHONEST = _uscc("91371500MA3F00101")  # 聊城市鑫达商贸有限公司
TAX_PERSON = _ric("37150219790315003")  # 孙某某
GOOD = _uscc("91371500MA3F00202")  # 聊城市康源餐饮管理有限公司
BROKEN = _uscc("91371500MA3F00303")  # 聊城市惠民便利店有限公司
PLATFORM_ONLY = _uscc("91371500MA3F00404")

DEMO_PLATFORM_RECORDS = {
    PLATFORM_ONLY: [
        {
            "list": "失信被执行人",
            "measure": "限制高消费、限制享受行政便利措施",
            "document": "（2025）鲁1502执恢88号",
            "valid_from": "2025-06-01",
        }
    ]
}


def _list_file() -> io.BytesIO:
    header = ["名单类型", "主体名称", "统一社会信用代码/身份证号码", "惩戒措施", "认定文书",
              "有效期自", "有效期至"]  # fmt: skip
    rows = [
        ["失信被执行人", "聊城市鑫达商贸有限公司", DISHONEST,
         "限制适用告知承诺、容缺受理和绿色通道；限制高消费", "（2025）鲁1502执1234号",
         "2025-01-10", ""],
        ["重大税收违法失信主体", "孙某某", TAX_PERSON, "限制享受税收优惠和行政便利措施",
         "聊税稽罚〔2025〕12号", "2025-03-01", "2028-02-28"],
    ]  # fmt: skip
    return io.BytesIO(write_csv(header, rows))


def _case(item, n: int, name: str, code: str, mode: str, rep: str = "张经理") -> dict:
    today = timezone.localdate()
    data = {
        "item": item,
        "case_number": f"DEMO-CR-{today:%Y%m%d}-{n:03d}",
        "applicant_kind": "legal",
        "applicant_name": name,
        "applicant_uscc": code,
        "legal_representative": rep,
        "contact_name": rep,
        "contact_phone": "13806359001",
        "address": "聊城市东昌府区振兴路 18 号",
        "accepted_on": today - dt.timedelta(days=3),
        "decided_on": today,
        "decision_number": f"聊审批食许〔{today.year}〕CR{n:03d}号",
        "result": "granted",
        "licence_number": f"JY137150{today:%y}{n:05d}",
        "licence_valid_until": today.replace(year=today.year + 5),
        "acceptance_mode": mode,
    }
    if mode == "commitment":
        data["commitment_text"] = "本单位承诺在三个月内取得消防安全检查合格意见并报送审批局。"
    return data


def load() -> str | None:
    from shenguan.catalog.models import LicensingItem
    from shenguan.linkage import services as lsvc
    from shenguan.org.models import Jurisdiction, User

    from . import services as svc
    from .models import CommitmentTask, ListEntry

    j = Jurisdiction.objects.filter(code="371500").first()
    names = ("lc_approver", "lc_bureau_head", "lc_reg_liaison", "lc_clerk")
    u = {n: User.objects.filter(username=n).first() for n in names}
    if j is None or any(v is None for v in u.values()):
        return "聊城市演示账号不全，跳过信用联动演示"
    if ListEntry.objects.filter(jurisdiction=j).exists():
        return None
    item = LicensingItem.objects.filter(jurisdiction=j, code="37150000SC0005").first()
    if item is None:
        return "聊城市事项清单未载入，跳过信用联动演示"
    head, approver = u["lc_bureau_head"], u["lc_approver"]
    svc.list_import(
        actor=head,
        jurisdiction_id=j.pk,
        fileobj=_list_file(),
        filename="联合惩戒名单.csv",
        dry_run=False,
    )
    svc.warning_create(
        actor=head, jurisdiction_id=j.pk, code=_uscc("91371500MA3F00505"),
        subject_name="聊城市速达物流有限公司", reason_kind="fraud",
        reason="申请道路运输经营许可时提交伪造的车辆检测报告", measures="一年内不适用告知承诺",
    )  # fmt: skip
    # a dishonest company: the bureau head's recorded exception, then the green channel
    svc.credit_override_grant(
        actor=head, jurisdiction_id=j.pk, code=DISHONEST, acceptance_mode="green",
        subject_name="聊城市鑫达商贸有限公司",
        reason="市重点民生保供项目，经局长办公会研究同意按绿色通道受理，加强事后核查",
    )  # fmt: skip
    lsvc.record_create(
        actor=approver, data=_case(item, 1, "聊城市鑫达商贸有限公司", DISHONEST, "green"),
        complete=True,
    )  # fmt: skip
    # 告知承诺: one waiting for verification, one found not kept
    lsvc.record_create(
        actor=approver, data=_case(item, 2, "聊城市康源餐饮管理有限公司", GOOD, "commitment"),
        complete=True,
    )  # fmt: skip
    broken = lsvc.record_create(
        actor=approver, data=_case(item, 3, "聊城市惠民便利店有限公司", BROKEN, "commitment"),
        complete=True,
    )  # fmt: skip
    task = CommitmentTask.objects.filter(record_id=broken.pk).first()
    if task is not None:
        verifier = u["lc_reg_liaison"]
        if verifier.department_id == task.department_id:
            svc.commitment_verify(
                actor=verifier, task=task, kept=False,
                evidence="现场核查：至承诺期满仍未取得消防安全检查合格意见，经营场所疏散通道堵塞。",
            )  # fmt: skip
    # a penalty in effect becomes a 双公示 record
    if u["lc_reg_liaison"].can("feedback.send"):
        lsvc.feedback_create(
            actor=u["lc_reg_liaison"], kind="penalty", title="未按规定公示食品经营许可证",
            content="当事人未在经营场所显著位置悬挂食品经营许可证，依法责令改正，并处罚款二千元。",
            published_on=timezone.localdate() - dt.timedelta(days=2),
            document_number=f"聊市监罚〔{timezone.localdate().year}〕88号",
            record=broken,
        )  # fmt: skip
    return None
