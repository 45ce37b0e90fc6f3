from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError
from openprecinct.core.views import forbidden
from openprecinct.records import selectors, services
from openprecinct.records.forms import (
    FilterForm,
    ReasonsForm,
    ReclassifyForm,
    ReportForm,
    SealForm,
    SupplementForm,
)
from openprecinct.records.models import ImportRun, Incident
from openprecinct.records.nibrs import nibrs_export
from openprecinct.records.offenses import OFFENSES

EXPORT_COLUMNS = [
    "id",
    "report_number",
    "source",
    "source_key",
    "kind",
    "status",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "ky_cd",
    "pd_cd",
    "offense_description",
    "pd_description",
    "law_category",
    "attempted",
    "compstat_category",
    "premises",
    "address",
    "precinct",
    "sector",
    "latitude",
    "longitude",
    "x_m",
    "y_m",
]


def _filters(request: HttpRequest) -> tuple[FilterForm, selectors.IncidentFilters]:
    form = FilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.filters()
    return form, selectors.IncidentFilters()


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_records(request.user):
        return forbidden(request)
    form, filters = _filters(request)
    qs = selectors.incident_list_for_user(user=request.user, filters=filters)  # type: ignore[arg-type]
    page = Paginator(qs.only(*[c for c in EXPORT_COLUMNS if c != "id"], "is_sealed"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "sort": filters.sort,
        "can_export": perms.can_export_records(request.user),
        "can_nibrs": perms.can_export_nibrs(request.user),
        "can_create": perms.can_create_report(request.user),
    }
    return render(request, "records/list.html", context)


def csv_chunks(header: list[str], rows: Any, *, rows_per_chunk: int = 2000) -> Any:
    """CSV text in chunks of a few thousand rows: streamed, in bounded memory, and without
    the per-row overhead of handing every line to the response separately."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        writer.writerow(row)
        if number % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@require_GET
def incident_export_csv(request: HttpRequest) -> HttpResponse:
    if not perms.can_export_records(request.user):
        return forbidden(request)
    _, filters = _filters(request)
    qs = selectors.incident_list_for_user(user=request.user, filters=filters)  # type: ignore[arg-type]
    audit_record(
        action="incident.export_csv",
        object_type="records.incident",
        details={"filters": request.GET.dict()},
    )
    rows = qs.values_list(*EXPORT_COLUMNS).iterator(chunk_size=5000)
    response = StreamingHttpResponse(
        csv_chunks(EXPORT_COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="incidents.csv"'
    return response


@require_GET
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)  # type: ignore[arg-type]
    user = request.user
    context = {
        "incident": incident,
        "timeline": selectors.incident_timeline(incident=incident),
        "linked": selectors.incident_linked(user=user, incident=incident),  # type: ignore[arg-type]
        "can_edit": perms.can_edit_report(user, incident),
        "can_submit": perms.can_submit_report(user, incident),
        "can_review": perms.can_approve_report(user, incident),
        "can_supplement": perms.can_add_supplement(user, incident),
        "can_seal": perms.can_seal_record(user, incident),
        "reasons_form": ReasonsForm(),
        "supplement_form": SupplementForm(),
        "seal_form": SealForm(),
        "reclassify_form": ReclassifyForm(),
        "returned_reasons": incident.review_actions.filter(action="return").order_by("-at").first(),
    }
    return render(request, "records/detail.html", context)


def _report_data(form: ReportForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    for name in (
        "victim_age_group",
        "victim_sex",
        "suspect_age_group",
        "suspect_sex",
        "pd_description",
        "location_description",
    ):
        data[name] = data.get(name) or ""
    return data


@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest) -> HttpResponse:
    if not perms.can_create_report(request.user):
        return forbidden(request)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        incident = services.incident_create_report(author=request.user, data=_report_data(form))  # type: ignore[arg-type]
        messages.success(
            request, f"Draft {incident.report_number} saved. Submit it when it is complete."
        )
        return HttpResponseRedirect(reverse("records:detail", args=[incident.pk]))
    return render(request, "records/form.html", {"form": form, "incident": None})


@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)  # type: ignore[arg-type]
    if not perms.can_edit_report(request.user, incident):
        return forbidden(request, what=f"incident {incident_id} edit")
    initial = {name: getattr(incident, name) for name in services.REPORT_FIELDS}
    initial["attempted"] = {True: "true", False: "false"}.get(incident.attempted, "")  # type: ignore[arg-type]
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.incident_update_report(
            actor=request.user, incident=incident, data=_report_data(form)
        )  # type: ignore[arg-type]
        messages.success(request, "Report saved.")
        return HttpResponseRedirect(reverse("records:detail", args=[incident.pk]))
    return render(request, "records/form.html", {"form": form, "incident": incident})


@require_POST
def incident_validate(request: HttpRequest) -> JsonResponse:
    """Validation as the officer types: the same form, answered as JSON."""
    if not perms.can_create_report(request.user):
        return JsonResponse({"errors": {"__all__": ["Your role can't write reports."]}}, status=403)
    form = ReportForm(request.POST)
    form.is_valid()
    offense = (
        OFFENSES.get(int(request.POST["ky_cd"]))
        if request.POST.get("ky_cd", "").isdigit()
        else None
    )
    return JsonResponse(
        {
            "errors": {k: [str(e) for e in v] for k, v in form.errors.items()},
            "compstat_category": offense.compstat_category if offense else None,
        }
    )


def _act(request: HttpRequest, incident_id: int, action: Any) -> HttpResponse:
    incident = selectors.incident_get_for_user(user=request.user, incident_id=incident_id)  # type: ignore[arg-type]
    try:
        message = action(incident)
        messages.success(request, message)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("records:detail", args=[incident_id]))


@require_POST
def incident_submit(request: HttpRequest, incident_id: int) -> HttpResponse:
    def act(incident: Incident) -> str:
        services.incident_submit(actor=request.user, incident=incident)  # type: ignore[arg-type]
        return "Submitted for a supervisor's approval."

    return _act(request, incident_id, act)


@require_POST
def incident_approve(request: HttpRequest, incident_id: int) -> HttpResponse:
    def act(incident: Incident) -> str:
        services.incident_approve(actor=request.user, incident=incident)  # type: ignore[arg-type]
        return "Approved. The report is now locked; changes come as supplements."

    return _act(request, incident_id, act)


@require_POST
def incident_return(request: HttpRequest, incident_id: int) -> HttpResponse:
    def act(incident: Incident) -> str:
        form = ReasonsForm(request.POST)
        reasons = form.cleaned_data["reasons"] if form.is_valid() else ""
        services.incident_return(actor=request.user, incident=incident, reasons=reasons)  # type: ignore[arg-type]
        return "Returned to the author with your reasons."

    return _act(request, incident_id, act)


@require_POST
def incident_supplement(request: HttpRequest, incident_id: int) -> HttpResponse:
    def act(incident: Incident) -> str:
        form = SupplementForm(request.POST)
        text = form.cleaned_data["text"] if form.is_valid() else ""
        supplement = services.incident_add_supplement(
            actor=request.user, incident=incident, text=text
        )  # type: ignore[arg-type]
        return f"Supplement {supplement.number} added."

    return _act(request, incident_id, act)


@require_POST
def incident_seal(request: HttpRequest, incident_id: int) -> HttpResponse:
    def act(incident: Incident) -> str:
        seal = request.POST.get("seal", "1") == "1"
        form = SealForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.incident_seal(actor=request.user, incident=incident, reason=reason, seal=seal)  # type: ignore[arg-type]
        return "Sealed." if seal else "Unsealed."

    return _act(request, incident_id, act)


@require_POST
def incident_reclassify(request: HttpRequest, incident_id: int) -> HttpResponse:
    def act(incident: Incident) -> str:
        form = ReclassifyForm(request.POST)
        if not form.is_valid():
            raise ApplicationError("Choose the new offence and give a reason.")
        services.incident_reclassify(
            actor=request.user,
            incident=incident,
            ky_cd=form.cleaned_data["ky_cd"],
            reason=form.cleaned_data["reason"],
        )  # type: ignore[arg-type]
        return "Reclassified; the earlier classification is kept in the history."

    return _act(request, incident_id, act)


@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    if not perms._has(request.user, *perms.SUPERVISORS):
        return forbidden(request)
    queue = selectors.incident_approval_queue(user=request.user)  # type: ignore[arg-type]
    return render(request, "records/approvals.html", {"queue": queue})


@require_GET
def nibrs(request: HttpRequest) -> HttpResponse:
    if not perms.can_export_nibrs(request.user):
        return forbidden(request)
    _, filters = _filters(request)
    qs = selectors.incident_list_for_user(user=request.user, filters=filters).filter(
        status="approved", is_sealed=False
    )  # type: ignore[arg-type]
    export = nibrs_export(incidents=qs.iterator(chunk_size=2000))
    audit_record(
        action="incident.export_nibrs",
        object_type="records.incident",
        details={"rows": len(export.rows), "errors": len(export.errors)},
    )
    body = export.errors_csv() if request.GET.get("part") == "errors" else export.rows_csv()
    name = "nibrs_errors.csv" if request.GET.get("part") == "errors" else "nibrs.csv"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-NIBRS-Rows"] = str(len(export.rows))
    response["X-NIBRS-Errors"] = str(len(export.errors))
    return response


@require_GET
def imports(request: HttpRequest) -> HttpResponse:
    if not perms.can_import_records(request.user):
        return forbidden(request)
    from openprecinct.records.forms import ImportStartForm

    runs = ImportRun.objects.order_by("-started_at")[:50]
    return render(request, "records/imports.html", {"runs": runs, "form": ImportStartForm()})


@require_POST
def import_start(request: HttpRequest) -> HttpResponse:
    """Start an import from an uploaded file as a background job; show its progress page."""
    if not perms.can_import_records(request.user):
        return forbidden(request)
    from openprecinct.core.jobs import submit
    from openprecinct.core.jobs.files import upload_dir
    from openprecinct.records.forms import ImportStartForm

    form = ImportStartForm(request.POST, request.FILES)
    if not form.is_valid():
        runs = ImportRun.objects.order_by("-started_at")[:50]
        return render(request, "records/imports.html", {"runs": runs, "form": form}, status=400)
    upload = form.cleaned_data["file"]
    nonce = form.cleaned_data["nonce"]
    target = upload_dir() / f"{nonce}-{form.safe_name()}"
    if not target.exists():
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    job_row = submit(
        "records.import",
        user=request.user,
        idempotency_key=f"records.import:{request.user.pk}:{nonce}",
        path=str(target),
        schema=form.cleaned_data["schema"],
        columns=form.cleaned_data["columns"] or None,
        user_id=request.user.pk,
    )
    return HttpResponseRedirect(reverse("jobs:detail", args=[job_row.uuid]))


@require_GET
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    if not perms.can_import_records(request.user):
        return forbidden(request)
    from django.shortcuts import get_object_or_404

    run = get_object_or_404(ImportRun, pk=run_id)
    rows = Paginator(run.quarantined_rows.all(), 100).get_page(request.GET.get("page"))
    return render(request, "records/import_detail.html", {"run": run, "rows": rows})
