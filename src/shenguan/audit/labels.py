"""Chinese labels of audit actions and names of audited objects, for the audit pages (issue 12
item 10: entries showed raw codes such as `auth.login` and `org.user:14`). The codes stay in
the chain and the CSV; the pages show the label with the code beside it."""

from __future__ import annotations

from collections.abc import Iterable

ACTION_LABELS = {
    "licence.certificate": "登记监管部门制发的证书",
    "auth.login": "登录",
    "auth.logout": "退出登录",
    "auth.login_failed": "登录失败",
    "auth.locked_out": "账号锁定",
    "auth.flood": "请求过多被拒绝",
    "auth.token_failed": "接口令牌无效",
    "auth.api_unauthenticated": "未认证的接口请求",
    "page.denied": "无权访问页面",
    "personal.unmask": "查看完整个人信息",
    "audit.export": "导出审计日志",
    "audit.verify": "校验审计日志",
    "audit.checkpoint": "审计日志检查点",
    "org.jurisdiction.create": "新建行政区划",
    "org.department.create": "新建部门",
    "org.department.update": "修改部门",
    "org.division.create": "新建科室",
    "org.liaison.appoint": "指定联络员",
    "org.liaison.end": "免去联络员",
    "org.lockout.reset": "解除登录锁定",
    "org.token.create": "新建接口令牌",
    "org.token.revoke": "吊销接口令牌",
    "org.user.create": "新建账号",
    "org.user.update": "修改账号",
    "org.user.change_password": "修改密码",
    "org.user.set_password": "重置密码",
    "org.user.set_roles": "授予角色",
    "org.import": "导入组织机构",
    "policy.assign": "指定政策配置",
    "policy.clone": "复制政策配置",
    "policy.install_builtin": "安装内置政策配置",
    "policy.recompute": "按参数重算时限",
    "policy.update": "修改政策配置",
    "calendar.day_set": "设置工作日历",
    "calendar.import_year": "导入年度工作日历",
    "deadline.recompute": "重算时限",
    "catalog.alias.set": "设置事项别名",
    "catalog.entry.create": "新增联动事项",
    "catalog.entry.retire": "删减联动事项",
    "catalog.entry.update": "修改联动事项",
    "catalog.item.create": "新增审批事项",
    "catalog.item.remove": "删减审批事项",
    "catalog.item.update": "修改审批事项",
    "catalog.import": "导入事项清单",
    "catalog.linkage.import": "导入审管联动事项清单",
    "catalog.list.publish": "发布清单",
    "catalog.memo.amend": "修订交接备忘录",
    "catalog.memo.create": "起草交接备忘录",
    "catalog.memo.sign": "签署交接备忘录",
    "catalog.memo.update": "修改交接备忘录",
    "catalog.notice.acknowledge": "确认收到函告",
    "catalog.notice.create": "发出审批事项调整函告",
    "catalog.supervision.create": "新增监管事项",
    "catalog.supervision.update": "修改监管事项",
    "catalog.transfer.record": "记录事项划转",
    "approval.record": "登记办件",
    "approval.update": "修改办件",
    "approval.complete": "办结并推送",
    "approval.import": "导入办件",
    "approval.material.add": "上传办件材料",
    "approval.route_manual": "人工指定监管部门",
    "approval.suspend": "办件暂停计时",
    "approval.resume": "办件恢复计时",
    "approval.record.export": "导出办件",
    "push.claim": "认领推送",
    "push.claim_bulk": "批量认领推送",
    "push.auto_claim": "超时自动认领",
    "push.export": "导出审管推送信息",
    "feedback.create": "报送监管信息",
    "feedback.release": "推送暂缓的处罚信息",
    "feedback.handle": "处理监管信息",
    "feedback.export": "导出监管信息",
    "disposal.record": "登记处置结果",
    "correction.reply": "答复纠错建议",
    "notice.create": "发出通知函告",
    "notice.from_change": "函告转为推送",
    "licence.transition": "变更证照状态",
    "licence.expire": "证照有效期届满",
    "alert.raise": "发出预警",
    "alert.explain": "说明预警",
    "alert.review": "审核预警说明",
    "alert.close": "关闭预警",
    "bulletin.generate": "生成通报",
    "bulletin.refresh": "刷新通报",
    "bulletin.review": "审核通报",
    "bulletin.publish": "发布通报",
    "bulletin.correct": "更正通报",
    "escalation.remind": "提醒",
    "escalation.interview": "约谈",
    "escalation.refer": "移送问责",
    "escalation.decide": "督办决定",
    "escalation.escalate": "升级督办",
    "escalation.evaluate": "督办评估",
    "escalation.close": "督办办结",
    "supervision.assign": "分派监管任务",
    "supervision.open": "新建监管任务",
    "supervision.start": "开始监管任务",
    "supervision.finish": "完成监管任务",
    "outbox.delivery.replay": "重新投递",
    "outbox.notification.read": "通知标记已读",
    "outbox.notification.read_all": "通知全部标记已读",
    "outbox.webhook.create": "新增 Webhook 订阅",
    "outbox.webhook.update": "修改 Webhook 订阅",
    "outbox.webhook.disable": "停用 Webhook 订阅",
    "outbox.webhook.enable": "启用 Webhook 订阅",
    "outbox.webhook.ping": "发送测试推送",
    "outbox.webhook.rotate_secret": "更换签名密钥",
}


def register_action_labels(labels: dict[str, str]) -> None:
    """Add the Chinese labels of an app's audit actions (apps above audit call this at start)."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The Chinese label of an action; a page visit 'page.<name>' is 访问页面; else the code."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    if action.startswith("page."):
        return "访问页面"
    return action


def _model(object_type: str):
    from django.apps import apps

    try:
        app_label, model = object_type.split(".", 1)
        return apps.get_model(app_label, model)
    except (LookupError, ValueError):
        return None


def object_labels(events: Iterable) -> dict[tuple[str, str], str]:
    """{(object_type, object_id): "部门 聊城市市场监督管理局"} for the events of a page: the
    model's Chinese name and the object's name (one query per type), else the type and id."""
    wanted: dict[str, set[int]] = {}
    for ev in events:
        if ev.object_type and str(ev.object_id).isdigit():
            wanted.setdefault(ev.object_type, set()).add(int(ev.object_id))
    out: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        model = _model(object_type)
        if model is None:
            continue
        kind = str(model._meta.verbose_name)
        try:
            found = model._base_manager.in_bulk(sorted(ids))
        except Exception:
            found = {}
        for pk in ids:
            obj = found.get(pk)
            name = _name(obj) if obj is not None else f"#{pk}（已删除）"
            out[(object_type, str(pk))] = f"{kind} {name}"
    return out


def _name(obj) -> str:
    # no titles: a push's title names its applicant (personal data stays in the masked details)
    for attr in ("display_name", "full_name", "name", "number", "case_number", "code"):
        value = getattr(obj, attr, None)
        if value and isinstance(value, str):
            return f"{value}（{obj.pk}）"
    return f"#{obj.pk}"


def annotate(events: list) -> list:
    """Set `action_label` and `object_label` on each event of a page."""
    names = object_labels(events)
    for ev in events:
        ev.action_label = action_label(ev.action)
        key = (ev.object_type, str(ev.object_id))
        model = _model(ev.object_type) if ev.object_type else None
        ev.object_label = names.get(key) or (
            f"{model._meta.verbose_name} {ev.object_id}" if model is not None else ""
        )
    return events
