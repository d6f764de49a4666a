"""Public pages (公开信息), readable without login: the catalogue of transferred items with who
handles them and from when, the items retained in the service hall, and the published linkage
list with search and filters (001 二(二), 002 §9). Every list downloads as xlsx or csv holding
exactly the rows shown on the page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from shenguan.catalog import exports
from shenguan.catalog import selectors as catalog
from shenguan.catalog.models import TransferStatus
from shenguan.org.models import Department, Jurisdiction
from shenguan.org.roles import DepartmentKind

PAGE_SIZE = 200


def _page(request, rows):
    """One page of a list (the download holds the same page)."""
    paginator = Paginator(rows, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page") or 1)


def _query(request, *, drop=("format",)) -> str:
    q = request.GET.copy()
    for k in drop:
        q.pop(k, None)
    return q.urlencode()


def _filters(request) -> dict:
    """Filters from the query string: department id, item text, code, free text."""
    get = request.GET
    dept = get.get("department") or ""
    return {
        "department_id": int(dept) if dept.isdigit() else None,
        "item": (get.get("item") or "").strip()[:100] or None,
        "code": (get.get("code") or "").strip()[:40] or None,
        "q": (get.get("q") or "").strip()[:100] or None,
    }


def _jurisdiction(code: str) -> Jurisdiction:
    return get_object_or_404(catalog.public_jurisdictions(), code=code)


def _departments(j: Jurisdiction, kinds):
    return Department.objects.filter(jurisdiction=j, active=True, kind__in=kinds).order_by(
        "sort_order", "id"
    )


@require_GET
def index(request):
    """The public entrance: the jurisdictions whose lists are published."""
    return render(request, "public/index.html", {"jurisdictions": catalog.public_jurisdictions()})


@require_GET
def jurisdiction_home(request, code: str):
    """A jurisdiction's public lists."""
    j = _jurisdiction(code)
    return render(
        request,
        "public/jurisdiction.html",
        {
            "j": j,
            "versions": catalog.public_versions(j),
            "counts": {
                s: catalog.public_items(j, s).count()
                for s in (
                    TransferStatus.TRANSFERRED,
                    TransferStatus.RETAINED,
                    TransferStatus.PLANNED,
                )
            },
        },
    )


TRANSFERRED_HEADERS = [
    "事项编码",
    "事项名称",
    "权力类型",
    "原审批部门",
    "办理部门",
    "划转日期",
    "过渡期至",
    "所属主项",
]


@require_GET
def transferred(request, code: str):
    """Transferred items (已划转事项) with the department handling them today and since when."""
    j = _jurisdiction(code)
    f = _filters(request)
    qs = catalog.public_items(
        j,
        TransferStatus.TRANSFERRED,
        {"q": f["q"] or f["item"], "department_id": f["department_id"]},
    )
    page = _page(request, qs)
    today = timezone.localdate()
    handling = catalog.handling_bulk(page.object_list, on_date=today)
    rows = []
    for it in page.object_list:
        h = handling[it.pk]
        since = h.since or it.transfer_effective_on
        rows.append(
            {
                "item": it,
                "handler": h.department,
                "since": since,
                "by_bureau": h.by_bureau,
                "waiting_for_memo": h.waiting_for_memo,
                "transition_ends_on": h.transition_ends_on,
            }
        )
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        data = (
            [
                r["item"].code,
                r["item"].name,
                r["item"].get_power_type_display(),
                r["item"].original_department.name,
                r["handler"].name,
                r["since"].isoformat() if r["since"] else "",
                r["transition_ends_on"].isoformat() if r["transition_ends_on"] else "",
                r["item"].main_item.name if r["item"].main_item_id else "",
            ]
            for r in rows
        )
        return exports.file_response(fmt, f"{j.name}已划转事项", TRANSFERRED_HEADERS, data)
    return render(
        request,
        "public/transferred.html",
        {
            "j": j,
            "rows": rows,
            "page": page,
            "today": today,
            "f": f,
            "departments": _departments(j, [DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT]),
            "query": _query(request),
            "page_query": _query(request, drop=("format", "page")),
        },
    )


RETAINED_HEADERS = [
    "事项编码",
    "事项名称",
    "权力类型",
    "办理部门",
    "暂不划转原因",
    "大厅窗口",
    "登记日期",
]
PLANNED_HEADERS = [
    "事项编码",
    "事项名称",
    "权力类型",
    "原审批部门",
    "批次",
    "计划划转日期",
    "登记日期",
]


def _status_list(request, code: str, status: str, template: str):
    j = _jurisdiction(code)
    f = _filters(request)
    qs = catalog.public_items(
        j, status, {"q": f["q"] or f["item"], "department_id": f["department_id"]}
    )
    page = _page(request, qs)
    items = list(page.object_list)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        if status == TransferStatus.RETAINED:
            headers = RETAINED_HEADERS
            data = (
                [
                    it.code,
                    it.name,
                    it.get_power_type_display(),
                    it.original_department.name,
                    it.current_transfer.reason if it.current_transfer else "",
                    it.current_transfer.hall_window if it.current_transfer else "",
                    it.transfer_effective_on.isoformat() if it.transfer_effective_on else "",
                ]
                for it in items
            )
            name = f"{j.name}暂不划转进驻大厅事项"
        else:
            headers = PLANNED_HEADERS
            data = (
                [
                    it.code,
                    it.name,
                    it.get_power_type_display(),
                    it.original_department.name,
                    it.current_transfer.batch_name if it.current_transfer else "",
                    it.current_transfer.planned_on.isoformat()
                    if it.current_transfer and it.current_transfer.planned_on
                    else "",
                    it.transfer_effective_on.isoformat() if it.transfer_effective_on else "",
                ]
                for it in items
            )
            name = f"{j.name}分批划转事项"
        return exports.file_response(fmt, name, headers, data)
    return render(
        request,
        template,
        {
            "j": j,
            "items": items,
            "page": page,
            "f": f,
            "departments": _departments(j, [DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT]),
            "query": _query(request),
            "page_query": _query(request, drop=("format", "page")),
        },
    )


@require_GET
def retained(request, code: str):
    """Items retained in the service hall (暂不划转、进驻大厅) with reason and window."""
    return _status_list(request, code, TransferStatus.RETAINED, "public/retained.html")


@require_GET
def planned(request, code: str):
    """Items to be transferred in a later batch (分批划转) with batch and planned date."""
    return _status_list(request, code, TransferStatus.PLANNED, "public/planned.html")


@require_GET
def linkage(request, code: str):
    """The published linkage list (审管联动事项清单): the latest version or ?version=N, with
    filters by department, item and supervision code."""
    j = _jurisdiction(code)
    versions = list(catalog.public_versions(j))
    version = versions[0] if versions else None
    wanted = request.GET.get("version") or ""
    if wanted.isdigit():
        version = next((v for v in versions if v.number == int(wanted)), None)
        if version is None:
            return render(request, "errors/404.html", status=404)
    f = _filters(request)
    page = _page(request, catalog.version_entries(version, f)) if version else None
    entries = list(page.object_list) if page else []
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv") and version is not None:
        rows = ([*r[:10], "", "", *r[12:]] for r in exports.linkage_rows(entries))
        return exports.file_response(
            fmt,
            f"{j.name}审管联动事项清单",
            exports.LINKAGE_HEADERS,
            rows,
            title=f"{version.title}（第{version.number}版）",
        )
    return render(
        request,
        "public/linkage.html",
        {
            "j": j,
            "version": version,
            "versions": versions,
            "entries": entries,
            "page": page,
            "f": f,
            "departments": _departments(
                j, [DepartmentKind.BUREAU, DepartmentKind.REGULATOR, DepartmentKind.ENFORCEMENT]
            ),
            "query": _query(request),
            "page_query": _query(request, drop=("format", "page")),
        },
    )


@require_GET
def credit_publicity(request, code: str):
    """双公示 (行政许可和行政处罚信息公示) of a jurisdiction: decisions within their publication
    period, natural persons masked, with search and download (002 §19(一), 003 三(三))."""
    from shenguan.credit import formats
    from shenguan.credit import selectors as credit

    j = get_object_or_404(Jurisdiction, code=code)
    kind = request.GET.get("kind") if request.GET.get("kind") in ("licence", "penalty") else ""
    q = (request.GET.get("q") or "").strip()[:100]
    page = _page(
        request, credit.public_records(jurisdiction_id=j.pk, filters={"kind": kind, "q": q})
    )
    rows = [credit.public_row(r) for r in page.object_list]
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        k = kind or "licence"
        data = (x["row"] for x in rows if x["r"].kind == k)
        name = f"{j.name}双公示{'行政许可' if k == 'licence' else '行政处罚'}信息"
        return exports.file_response(fmt, name, formats.headers(k), data)
    return render(
        request,
        "public/credit.html",
        {
            "j": j,
            "rows": rows,
            "page": page,
            "kind": kind,
            "q": q,
            "query": _query(request),
            "page_query": _query(request, drop=("format", "page")),
        },
    )


DECISION_HEADERS = [
    "决定日期",
    "审批事项",
    "申请人",
    "决定文书号",
    "审批结果",
    "证照编号",
    "办理部门",
]


def _decision_filters(request) -> dict:
    import datetime as dt

    get = request.GET
    out = {
        "item": (get.get("item") or "").strip()[:100] or None,
        "q": (get.get("q") or "").strip()[:100] or None,
        "result": get.get("result") if get.get("result") in ("granted", "refused") else None,
        "since": None,
        "until": None,
    }
    for key in ("since", "until"):
        try:
            out[key] = dt.date.fromisoformat(get.get(key) or "")
        except ValueError:
            out[key] = None
    return out


def decision_rows(records) -> list[dict]:
    """The public view of decisions: a natural person's name masked (张*)."""
    from shenguan.core.masking import mask_name

    return [
        {
            "decided_on": r.decided_on,
            "item": r.item.name,
            "applicant": mask_name(r.applicant_name)
            if r.applicant_kind == "person"
            else r.applicant_name,
            "decision_number": r.decision_number,
            "result": r.get_result_display(),
            "result_code": r.result,
            "licence_number": r.licence_number,
            "department": r.department.name,
        }
        for r in records
    ]


@require_GET
def decisions(request, code: str):
    """Decisions of the jurisdiction (审批结果公开, 004 三(六)): item, applicant (natural persons
    masked), decision number, date and result, with search and the page as xlsx or csv."""
    from shenguan.linkage import selectors as linkage

    j = _jurisdiction(code)
    f = _decision_filters(request)
    page = _page(request, linkage.public_decisions(jurisdiction_id=j.pk, filters=f))
    rows = decision_rows(page.object_list)
    fmt = request.GET.get("format")
    if fmt in ("xlsx", "csv"):
        data = (
            [
                r["decided_on"].isoformat(),
                r["item"],
                r["applicant"],
                r["decision_number"],
                r["result"],
                r["licence_number"],
                r["department"],
            ]
            for r in rows
        )
        return exports.file_response(fmt, f"{j.name}审批结果公开", DECISION_HEADERS, data)
    return render(
        request,
        "public/decisions.html",
        {
            "j": j,
            "rows": rows,
            "page": page,
            "f": f,
            "query": _query(request),
            "page_query": _query(request, drop=("format", "page")),
        },
    )
