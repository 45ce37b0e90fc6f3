"""Staff pages of accountability (/accountability/) and the public complaint form."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openprecinct.accountability import dashboard, selectors, services
from openprecinct.accountability.ccrb import BIAS_NOTES, source_note
from openprecinct.accountability.deadlines import raise_due_alerts
from openprecinct.accountability.forms import (
    AllegationForm,
    ForceReportForm,
    IACaseForm,
    PublicComplaintForm,
    StaffComplaintForm,
    TaskForm,
)
from openprecinct.accountability.models import (
    Allegation,
    CaseTask,
    CCRBImportRun,
    Complaint,
    DeadlineAlert,
    Disposition,
    ForceReport,
    IACase,
    Officer,
    Penalty,
    Referral,
)
from openprecinct.accountability.sol import today
from openprecinct.accountability.suggestions import suggest_calls, suggest_evidence
from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.accounts.roles import Role
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError
from openprecinct.core.views import act_and_return, forbidden


def _back(request: HttpRequest, url: str, error: ApplicationError | None = None) -> HttpResponse:
    if error is not None:
        messages.error(request, error.message)
    return HttpResponseRedirect(url)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- dashboard ---------------------------------------------------------------------------------
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not perms.can_view_accountability_dashboard(user):
        if perms.can_view_force_reports(user):
            return HttpResponseRedirect(reverse("accountability:force_list"))
        return forbidden(request)
    raise_due_alerts()
    alerts = DeadlineAlert.objects.filter(raised_on__gte=today().replace(day=1)).order_by(
        "-raised_on", "due_on"
    )
    if not perms.can_view_sealed_complaints(user):
        alerts = alerts.filter(is_sealed=False).exclude(complaint__is_sealed=True)
    return render(
        request,
        "accountability/home.html",
        {"d": dashboard.build(user), "alerts": alerts[:20], "today": today()},
    )


# --- complaints -----------------------------------------------------------------------------
def _complaint_filter(request: HttpRequest) -> Any:
    source = request.GET.get("source", "local")
    q = request.GET.get("q", "").strip()
    qs = selectors.complaints_filtered(request.user, source=source, q=q)
    status = request.GET.get("status", "")
    if status in Complaint.Status.values:
        qs = qs.filter(status=status)
    return qs, source, status, q


@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_complaints(request.user):
        return forbidden(request)
    qs, source, status, q = _complaint_filter(request)
    page = Paginator(qs.select_related("investigator"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accountability/complaint_list.html",
        {
            "page": page,
            "source": source,
            "status": status,
            "q": q,
            "statuses": Complaint.Status.choices,
            "sources": Complaint.Source.choices,
            "note": BIAS_NOTES.get(source, "") if source not in ("local", "") else "",
            "today": today(),
            "can_enter": perms.can_enter_complaint(request.user),
        },
    )


EXPORT_FIELDS = (
    "number",
    "source",
    "channel",
    "status",
    "received_date",
    "incident_date",
    "sol_date",
    "closed_date",
    "precinct",
    "truncation_reason",
)


@require_GET
def complaint_export(request: HttpRequest) -> HttpResponse:
    """CSV of the complaints the user may see, one row per allegation (no complainant data)."""
    if not perms.can_export_complaints(request.user):
        return forbidden(request)
    qs, source, status, q = _complaint_filter(request)
    allowed = set(
        selectors.allegations_for(request.user)
        .filter(complaint__in=qs.values("pk"))
        .values_list("pk", flat=True)
    )
    buf = io.StringIO()
    writer = csv.writer(buf)
    if source in BIAS_NOTES:
        writer.writerow([f"# {BIAS_NOTES[source]}"])
    writer.writerow([*EXPORT_FIELDS, "officer", "fado_type", "allegation", "disposition"])
    n = 0
    for c in qs.prefetch_related("allegations__officer"):
        rows = [a for a in c.allegations.all() if a.pk in allowed]
        base = [getattr(c, f) or "" for f in EXPORT_FIELDS]
        for a in rows or [None]:
            writer.writerow(
                base
                + (
                    [
                        str(a.officer or a.officer_description),
                        a.fado_type,
                        a.allegation,
                        a.disposition,
                    ]
                    if a
                    else ["", "", "", ""]
                )
            )
        n += 1
    audit_record(
        action="accountability.complaint.export",
        object_type="accountability.complaint",
        object_id="csv",
        details={"rows": n, "source": source, "status": status, "q": q},
    )
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="complaints.csv"'
    return response


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    if not perms.can_enter_complaint(request.user):
        return forbidden(request)
    form = StaffComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_intake(actor=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Complaint {complaint.number} recorded. Acknowledge it by "
                f"{complaint.acknowledgement_due:%A %d %B %Y}.",
            )
            if perms.can_view_complaint(request.user, complaint):
                return HttpResponseRedirect(
                    reverse("accountability:complaint", args=[complaint.pk])
                )
            return HttpResponseRedirect(reverse("accountability:complaint_new"))
    return render(request, "accountability/complaint_form.html", {"form": form})


def _complaint_context(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    user = request.user
    allegations = (
        selectors.allegations_for(user).filter(complaint=complaint).select_related("officer")
    )
    can_work = perms.can_work_complaint(user, complaint)
    is_local = complaint.source in selectors.LOCAL_SOURCES
    actions = (
        [
            (a, services.ACTION_LABELS[a])
            for a in services.allowed_complaint_actions(user, complaint)
        ]
        if is_local
        else []
    )
    return {
        "c": complaint,
        "allegations": allegations,
        "tasks": complaint.tasks.all(),
        "events": complaint.events.select_related("actor"),
        "referrals": complaint.referrals.all(),
        "links": complaint.links.all(),
        "actions": actions,
        "can_work": can_work and is_local,
        "can_find": is_local
        and complaint.status in services.FINDING_STATUSES
        and (can_work or perms.can_act_on_complaint(user, complaint, "record_findings")),
        "can_penalty": is_local
        and complaint.status in (Complaint.Status.FINDINGS, Complaint.Status.PENALTY)
        and perms.can_act_on_complaint(user, complaint, "recommend_penalty"),
        "can_seal": perms.can_seal_complaint(user, complaint) and is_local,
        "days_left": (complaint.sol_date - today()).days if complaint.sol_date else None,
        "dispositions": [d for d in Disposition.choices if d[0]],
        "penalties": [p for p in Penalty.choices if p[0]],
        "truncations": [t for t in Complaint.Truncation.choices if t[0]],
        "recipients": Referral.Recipient.choices,
        "investigators": User.objects.filter(role=Role.IA_INVESTIGATOR, is_active=True),
        "allegation_form": AllegationForm(),
        "task_form": TaskForm(),
        "officers": Officer.objects.filter(precinct=120, is_active=True).order_by("last_name")
        if can_work
        else [],
        "call_suggestions": suggest_calls(complaint) if can_work and is_local else [],
        "evidence_suggestions": suggest_evidence(complaint, user) if can_work and is_local else [],
        "note": BIAS_NOTES.get(complaint.source, ""),
        "substantiated": Disposition.values,
    }


@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not perms.can_view_complaints(request.user):
        return forbidden(request)
    complaint = selectors.get_complaint_for(request.user, pk)
    audit_record(action="accountability.complaint.view", obj=complaint, details={})
    return render(
        request, "accountability/complaint_detail.html", _complaint_context(request, complaint)
    )


def _complaint_url(complaint: Complaint) -> str:
    return reverse("accountability:complaint", args=[complaint.pk])


@require_POST
def complaint_act(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    action = request.POST.get("action", "")
    params: dict[str, Any] = {
        "note": request.POST.get("note", ""),
        "reason": request.POST.get("reason", ""),
        "recipient": request.POST.get("recipient", ""),
        "agency_name": request.POST.get("agency_name", ""),
    }
    if action == "assign":
        params["investigator"] = User.objects.filter(
            pk=_int_or_none(request.POST.get("investigator")), role=Role.IA_INVESTIGATOR
        ).first()
    return act_and_return(
        request,
        _complaint_url(complaint),
        lambda: services.complaint_transition(
            actor=request.user, complaint=complaint, action=action, **params
        ),
        f"{services.ACTION_LABELS.get(action, action)}: done.",
    )


@require_POST
def complaint_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    return act_and_return(
        request,
        _complaint_url(complaint),
        lambda: services.complaint_acknowledge(
            actor=request.user, complaint=complaint, note=request.POST.get("note", "")
        ),
        "Acknowledgement recorded.",
    )


@require_POST
def allegation_add(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    form = AllegationForm(request.POST)
    if not form.is_valid():
        return _back(
            request,
            _complaint_url(complaint),
            ApplicationError("Check the allegation: " + form.errors.as_text()),
        )
    data = form.cleaned_data
    officer = (
        Officer.objects.filter(pk=data.get("officer")).first() if data.get("officer") else None
    )
    return act_and_return(
        request,
        _complaint_url(complaint),
        lambda: services.allegation_add(
            actor=request.user,
            complaint=complaint,
            fado_type=data["fado_type"],
            allegation=data["allegation"],
            officer=officer,
            officer_description=data.get("officer_description", ""),
            description=data.get("description", ""),
        ),
        "Allegation added.",
    )


def _allegation_for(request: HttpRequest, pk: int) -> Allegation:
    try:
        return selectors.allegations_for(request.user).select_related("complaint").get(pk=pk)
    except Allegation.DoesNotExist:
        raise Http404("No such allegation.") from None


@require_POST
def allegation_finding(request: HttpRequest, pk: int) -> HttpResponse:
    allegation = _allegation_for(request, pk)
    url = _complaint_url(allegation.complaint)
    return act_and_return(
        request,
        url,
        lambda: services.allegation_record_finding(
            actor=request.user,
            allegation=allegation,
            disposition=request.POST.get("disposition", ""),
            note=request.POST.get("note", ""),
        ),
        "Finding recorded.",
    )


@require_POST
def allegation_penalty(request: HttpRequest, pk: int) -> HttpResponse:
    allegation = _allegation_for(request, pk)
    url = _complaint_url(allegation.complaint)
    return act_and_return(
        request,
        url,
        lambda: services.allegation_set_penalty(
            actor=request.user,
            allegation=allegation,
            penalty=request.POST.get("penalty", ""),
            final=request.POST.get("final") == "1",
            note=request.POST.get("note", ""),
        ),
        "Penalty recorded.",
    )


@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    form = TaskForm(request.POST)
    if not form.is_valid():
        return _back(
            request,
            _complaint_url(complaint),
            ApplicationError("Check the task: " + form.errors.as_text()),
        )
    return act_and_return(
        request,
        _complaint_url(complaint),
        lambda: services.task_add(actor=request.user, complaint=complaint, **form.cleaned_data),
        "Task added.",
    )


@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(CaseTask, pk=pk)
    if task.complaint_id:
        selectors.get_complaint_for(request.user, task.complaint_id)
        url = _complaint_url(task.complaint)
    else:
        selectors.get_ia_case_for(request.user, task.ia_case_id)
        url = reverse("accountability:ia_case", args=[task.ia_case_id])
    return act_and_return(
        request,
        url,
        lambda: services.task_complete(
            actor=request.user,
            task=task,
            result=request.POST.get("result", ""),
            cancel=request.POST.get("cancel") == "1",
        ),
    )


@require_POST
def complaint_flags(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    return act_and_return(
        request,
        _complaint_url(complaint),
        lambda: services.complaint_set_flags(
            actor=request.user,
            complaint=complaint,
            is_sealed=request.POST.get("is_sealed") == "1",
            involves_juvenile=request.POST.get("involves_juvenile") == "1",
            victim_protected=request.POST.get("victim_protected") == "1",
            reason=request.POST.get("reason", ""),
        ),
        "Confidentiality flags saved.",
    )


@require_POST
def complaint_link(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = selectors.get_complaint_for(request.user, pk)
    return act_and_return(
        request,
        _complaint_url(complaint),
        lambda: services.complaint_link(
            actor=request.user,
            complaint=complaint,
            kind=request.POST.get("kind", ""),
            ref=request.POST.get("ref", ""),
            label=request.POST.get("label", ""),
        ),
        "Linked.",
    )


@require_POST
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral, pk=pk)
    complaint = selectors.get_complaint_for(request.user, referral.complaint_id)
    return act_and_return(
        request,
        _complaint_url(complaint),
        lambda: services.referral_record_outcome(
            actor=request.user, referral=referral, outcome=request.POST.get("outcome", "")
        ),
    )


# --- officers and the CCRB history --------------------------------------------------------------
@require_GET
def officer_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_complaints(request.user):
        return forbidden(request)
    q = request.GET.get("q", "").strip()
    qs = Officer.objects.all()
    if q:
        qs = qs.filter(
            Q(last_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(shield_no=q)
            | Q(command__icontains=q)
        )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "accountability/officer_list.html", {"page": page, "q": q, "note": source_note()}
    )


@require_GET
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not perms.can_view_complaints(request.user):
        return forbidden(request)
    officer = get_object_or_404(Officer, pk=pk)
    allegations = (
        selectors.allegations_for(request.user)
        .filter(officer=officer)
        .select_related("complaint")
        .order_by("-complaint__received_date")
    )
    sources = set(allegations.values_list("complaint__source", flat=True))
    notes = [BIAS_NOTES[s] for s in sorted(sources) if s in BIAS_NOTES]
    return render(
        request,
        "accountability/officer_detail.html",
        {"officer": officer, "allegations": allegations, "notes": notes},
    )


@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_complaints(request.user):
        return forbidden(request)
    runs = CCRBImportRun.objects.all()[:50]
    return render(
        request, "accountability/imports.html", {"runs": runs, "notes": BIAS_NOTES.values()}
    )


# --- internal-affairs cases ---------------------------------------------------------------------
@require_GET
def ia_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_ia_cases(request.user):
        return forbidden(request)
    qs = selectors.ia_cases_for(request.user).select_related("officer")
    return render(
        request,
        "accountability/ia_list.html",
        {"cases": qs[:200], "can_open": perms.can_open_ia_case(request.user)},
    )


@require_http_methods(["GET", "POST"])
def ia_new(request: HttpRequest) -> HttpResponse:
    if not perms.can_open_ia_case(request.user):
        return forbidden(request)
    form = IACaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["officer"] = (
            Officer.objects.filter(pk=data.get("officer")).first() if data.get("officer") else None
        )
        try:
            case = services.ia_case_open(actor=request.user, data=data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return HttpResponseRedirect(reverse("accountability:ia_case", args=[case.pk]))
    return render(request, "accountability/ia_form.html", {"form": form})


@require_GET
def ia_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not perms.can_view_ia_cases(request.user):
        return forbidden(request)
    case = selectors.get_ia_case_for(request.user, pk)
    audit_record(action="accountability.ia_case.view", obj=case, details={})
    actions = [
        (a, services.IA_ACTION_LABELS[a]) for a in services.allowed_ia_actions(request.user, case)
    ]
    return render(
        request,
        "accountability/ia_detail.html",
        {
            "case": case,
            "actions": actions,
            "allegations": case.allegations.select_related("officer"),
            "tasks": case.tasks.all(),
            "events": case.events.select_related("actor"),
            "can_work": perms.can_act_on_ia_case(request.user, case, "start_investigation")
            and case.status in (IACase.Status.OPEN, IACase.Status.INVESTIGATING),
            "dispositions": [d for d in Disposition.choices if d[0]],
            "penalties": [p for p in Penalty.choices if p[0]],
            "task_form": TaskForm(),
        },
    )


def _ia_url(case: IACase) -> str:
    return reverse("accountability:ia_case", args=[case.pk])


@require_POST
def ia_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_ia_case_for(request.user, pk)
    return act_and_return(
        request,
        _ia_url(case),
        lambda: services.ia_case_transition(
            actor=request.user,
            case=case,
            action=request.POST.get("action", ""),
            note=request.POST.get("note", ""),
            penalty=request.POST.get("penalty", ""),
        ),
    )


@require_POST
def ia_allegation(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_ia_case_for(request.user, pk)
    officer_id = _int_or_none(request.POST.get("officer"))
    return act_and_return(
        request,
        _ia_url(case),
        lambda: services.ia_allegation_add(
            actor=request.user,
            case=case,
            officer=Officer.objects.filter(pk=officer_id).first() if officer_id else None,
            allegation=request.POST.get("allegation", ""),
            fado_type=request.POST.get("fado_type", ""),
        ),
    )


@require_POST
def ia_finding(request: HttpRequest, pk: int) -> HttpResponse:
    allegation = get_object_or_404(Allegation, pk=pk, ia_case__isnull=False)
    case = selectors.get_ia_case_for(request.user, allegation.ia_case_id)
    return act_and_return(
        request,
        _ia_url(case),
        lambda: services.ia_allegation_finding(
            actor=request.user,
            allegation=allegation,
            disposition=request.POST.get("disposition", ""),
        ),
    )


@require_POST
def ia_task(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.get_ia_case_for(request.user, pk)
    form = TaskForm(request.POST)
    if not form.is_valid():
        return _back(
            request, _ia_url(case), ApplicationError("Check the task: " + form.errors.as_text())
        )
    return act_and_return(
        request,
        _ia_url(case),
        lambda: services.task_add(actor=request.user, ia_case=case, **form.cleaned_data),
    )


# --- use of force ------------------------------------------------------------------------------
@require_GET
def force_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_force_reports(request.user):
        return forbidden(request)
    qs = selectors.force_reports_for(request.user).select_related("author")
    return render(
        request,
        "accountability/force_list.html",
        {
            "reports": qs[:200],
            "can_create": perms.can_create_force_report(request.user),
            "can_export": perms.can_export_force_reports(request.user),
            "month": today().strftime("%Y-%m"),
        },
    )


@require_http_methods(["GET", "POST"])
def force_new(request: HttpRequest) -> HttpResponse:
    if not perms.can_create_force_report(request.user):
        return forbidden(request)
    form = ForceReportForm(request.POST or None)
    own = getattr(request.user, "officer", None) if hasattr(request.user, "officer") else None
    if request.method == "GET" and own is not None:
        form.initial["officer"] = own.pk
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        officer = Officer.objects.filter(pk=d["officer"]).first()
        try:
            report = services.force_report_create(
                actor=request.user,
                data=d,
                subjects=[
                    {
                        "age": d.get("subject_age"),
                        "sex": d.get("subject_sex"),
                        "injury": d["subject_injury"],
                        "arrested": d.get("subject_arrested"),
                    }
                ],
                officers=[{"officer": officer, "force_types": d["force_types"]}],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return HttpResponseRedirect(reverse("accountability:force_report", args=[report.pk]))
    return render(request, "accountability/force_form.html", {"form": form})


@require_GET
def force_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not perms.can_view_force_reports(request.user):
        return forbidden(request)
    report = selectors.get_force_report_for(request.user, pk)
    actions = [
        (a, services.FORCE_ACTION_LABELS[a])
        for a in services.allowed_force_actions(request.user, report)
    ]
    return render(
        request,
        "accountability/force_detail.html",
        {
            "r": report,
            "actions": actions,
            "reviews": report.reviews.select_related("reviewer"),
            "subjects": report.subjects.all(),
            "officers": report.officers.select_related("officer"),
            "findings": [f for f in ForceReport.Finding.choices if f[0]],
            "disposition_step": any(
                services.force_target(report, a) == ForceReport.Status.DISPOSITIONED
                for a, _ in actions
            ),
        },
    )


@require_POST
def force_act(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_force_report_for(request.user, pk)
    url = reverse("accountability:force_report", args=[report.pk])
    return act_and_return(
        request,
        url,
        lambda: services.force_report_transition(
            actor=request.user,
            report=report,
            action=request.POST.get("action", ""),
            comments=request.POST.get("comments", ""),
            finding=request.POST.get("finding", ""),
            recommendation=request.POST.get("recommendation", ""),
        ),
    )


@require_GET
def force_fbi_export(request: HttpRequest) -> HttpResponse:
    if not perms.can_export_force_reports(request.user):
        return forbidden(request)
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except (TypeError, ValueError):
        return HttpResponse("Give the month as ?month=YYYY-MM.", status=400)
    payload = services.fbi_use_of_force_export(actor=request.user, year=year, month=month)
    response = HttpResponse(
        json.dumps(payload, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="nuofdc-{year:04d}-{month:02d}.json"'
    return response


# --- public complaint form (/portal/accountability/) -------------------------------------------
@require_http_methods(["GET", "POST"])
def public_complaint(request: HttpRequest) -> HttpResponse:
    form = PublicComplaintForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_intake(actor=None, data=form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            request.session["accountability_receipt"] = complaint.tracking_code
            return HttpResponseRedirect(reverse("accountability_public:thanks"))
    return render(request, "accountability/public_form.html", {"form": form})


@require_GET
def public_thanks(request: HttpRequest) -> HttpResponse:
    code = request.session.get("accountability_receipt")
    if not code:
        return HttpResponseRedirect(reverse("accountability_public:complaint"))
    return render(request, "accountability/public_thanks.html", {"code": code})


PUBLIC_STATUS = {
    "intake": "Received",
    "screening": "Being reviewed",
    "assigned": "Under investigation",
    "investigating": "Under investigation",
    "mediation_offered": "Mediation offered",
    "mediation_scheduled": "Mediation scheduled",
    "closing_report": "Under investigation",
    "board_review": "Under review",
    "findings": "Decided",
    "penalty": "Decided",
    "closed": "Closed",
    "truncated": "Closed",
    "mediated": "Closed (mediated)",
    "referred": "Sent to another agency",
}


@require_GET
def public_status(request: HttpRequest) -> HttpResponse:
    """Anyone with the tracking code learns only whether the complaint is open or closed."""
    code = request.GET.get("code", "").strip().upper()
    status = None
    if code:
        complaint = Complaint.objects.filter(
            tracking_code=code, source__in=selectors.LOCAL_SOURCES
        ).first()
        status = PUBLIC_STATUS.get(complaint.status, "Received") if complaint else "not_found"
    return render(request, "accountability/public_status.html", {"code": code, "status": status})
