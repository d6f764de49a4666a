"""Pages of the calendar: the year view, editing a day (htmx), uploading a year's file."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shenguan.core.errors import DomainError, ErrorList
from shenguan.org.roles import Perm

from . import selectors, workdays
from .forms import DayForm, ImportConfirmForm, ImportUploadForm
from .importer import describe, parse_calendar, weekday_name
from .services import calendar_day_set, calendar_import_year


def _can_manage(user) -> bool:
    return user.can(Perm.CALENDAR_MANAGE)


def _require_manage(request) -> None:
    if not _can_manage(request.user):
        raise PermissionDenied


@login_required
def year_view(request, year: int | None = None):
    """A year of the working-day calendar (工作日历): 12 month grids and the list of entries."""
    if year is None:
        year = timezone.localdate().year
    if not workdays.FIRST.year <= year <= workdays.LAST.year:
        raise Http404
    user = request.user
    cy = selectors.calendar_year(user=user, year=year)
    days = list(selectors.calendar_days(user=user, year=year))
    for d in days:
        d.weekday_name = weekday_name(d.date)
    years = list(selectors.calendar_years(user=user).values_list("year", flat=True))
    return render(
        request,
        "calendar/year.html",
        {
            "year": year,
            "cy": cy,
            "days": days,
            "months": selectors.month_grids(year, days),
            "loaded_years": years,
            "prev_year": year - 1 if year > workdays.FIRST.year else None,
            "next_year": year + 1 if year < workdays.LAST.year else None,
            "can_manage": _can_manage(user),
            "weekday_names": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")],
        },
    )


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def day_edit(request, date: str):
    """Edit one date (修改日历): holiday, make-up working day or normal; an htmx partial."""
    _require_manage(request)
    d = _parse_date(date)
    user = request.user
    cy = selectors.calendar_year(user=user, year=d.year)
    entry = selectors.calendar_days(user=user, year=d.year).filter(date=d).first()
    template = "calendar/_day_form.html" if request.htmx else "calendar/day_edit.html"
    if request.method == "POST":
        form = DayForm(request.POST)
        if form.is_valid():
            try:
                res = calendar_day_set(
                    actor=user,
                    date=d,
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                    source=form.cleaned_data["source"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if res.changed:
                    messages.success(
                        request,
                        _("已保存 %(date)s；重算进行中的时限 %(n)s 个")
                        % {"date": d.isoformat(), "n": res.recomputed},
                    )
                else:
                    messages.info(request, _("%(date)s 没有变化") % {"date": d.isoformat()})
                url = reverse("calendar:year", args=[d.year])
                if request.htmx:
                    resp = HttpResponse(status=204)
                    resp["HX-Redirect"] = url
                    return resp
                return redirect(url)
    else:
        form = DayForm(
            initial={
                "kind": entry.kind if entry else "normal",
                "name": entry.name if entry else "",
                "source": entry.source if entry else "",
            }
        )
    return render(
        request,
        template,
        {
            "form": form,
            "date": d,
            "weekday": weekday_name(d),
            "cy": cy,
            "entry": entry,
            "is_weekend": d.weekday() >= 5,
        },
    )


def _encode(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def _decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload a year's CSV or YAML file (导入年度日历): validate, preview, then confirm."""
    _require_manage(request)
    user = request.user
    ctx: dict = {"problems": None, "plan": None, "preview": None}
    year_hint = request.GET.get("year", "")
    upload = ImportUploadForm(initial={"year": year_hint if year_hint.isdigit() else None})
    if request.method == "POST" and request.POST.get("step") == "confirm":
        confirm = ImportConfirmForm(request.POST)
        content = _decode(confirm.data.get("content", "")) if confirm.is_valid() else None
        if content is None:
            messages.error(request, _("待导入的文件内容无效，请重新上传"))
            return redirect("calendar:import")
        filename = confirm.cleaned_data["filename"]
        try:
            plan = parse_calendar(
                content, filename=filename, expected_year=confirm.cleaned_data.get("year")
            )
            res = calendar_import_year(
                actor=user,
                year=plan.year,
                entries=plan.entries,
                source=plan.source,
                note=plan.note,
            )
        except ErrorList as exc:
            ctx["problems"] = [describe(p) for p in exc.problems]
        except DomainError as exc:
            ctx["problems"] = [exc.message]
        else:
            messages.success(
                request,
                _("已导入 %(year)s 年日历（%(days)s 条）；重算进行中的时限 %(n)s 个")
                % {"year": res["year"], "days": res["days"], "n": res["recomputed"]},
            )
            return redirect("calendar:year", year=res["year"])
    elif request.method == "POST":
        upload = ImportUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            f = upload.cleaned_data["file"]
            content = f.read(2 * 1024 * 1024 + 1)
            expected = upload.cleaned_data.get("year")
            try:
                plan = parse_calendar(content, filename=f.name, expected_year=expected)
            except ErrorList as exc:
                ctx["problems"] = [describe(p) for p in exc.problems]
            else:
                ctx["plan"] = plan
                ctx["plan_holidays"] = _ranges(plan.holidays)
                ctx["plan_workdays"] = [
                    {"date": e.date, "weekday": weekday_name(e.date), "name": e.name}
                    for e in plan.workdays
                ]
                ctx["warnings"] = [describe(w) for w in plan.warnings]
                ctx["preview"] = selectors.calendar_import_preview(
                    user=user, year=plan.year, entries=plan.entries
                )
                ctx["confirm"] = ImportConfirmForm(
                    initial={
                        "content": _encode(content),
                        "filename": f.name[:255],
                        "year": expected,
                    }
                )
    ctx["upload"] = upload
    return render(request, "calendar/import.html", ctx)


def _ranges(entries) -> list[dict]:
    """Consecutive holidays of one name as ranges (for the preview)."""
    out: list[dict] = []
    for e in entries:
        last = out[-1] if out else None
        if last and last["name"] == e.name and (e.date - last["to"]).days == 1:
            last["to"] = e.date
            last["days"] += 1
        else:
            out.append({"name": e.name, "from": e.date, "to": e.date, "days": 1})
    return out
