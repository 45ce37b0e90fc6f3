"""Evidence pages and the resumable upload endpoint. Views parse, call one service or
selector, and render; every read of a file goes through the custody chain."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.models import User
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError
from openprecinct.core.views import forbidden
from openprecinct.evidence import forms, redaction, selectors, services
from openprecinct.evidence.custody import (
    CustodyAction,
    custody_append,
    custody_chain_problems,
    custody_entries,
)
from openprecinct.evidence.ingest import BLOCK, UploadRejected
from openprecinct.evidence.models import (
    EvidenceItem,
    ItemStatus,
    RedactionRequest,
    ShareLink,
)
from openprecinct.evidence.storage import evidence_storage

REPORT_CSS = Path(__file__).with_name("custody_report.css")
CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_view_evidence_list(request.user):
        return forbidden(request)
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    status = status if status in ItemStatus.values else ""
    qs = selectors.evidence_list_for_user(user=request.user, q=q, status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/list.html",
        {"page": page, "q": q, "can_upload": perms.can_upload_evidence(request.user)},
    )


# --- uploads -----------------------------------------------------------------------------
@require_GET
def upload_page(request: HttpRequest) -> HttpResponse:
    if not perms.can_upload_evidence(request.user):
        return forbidden(request)
    return render(request, "evidence/upload.html", {"form": forms.UploadStartForm()})


@require_POST
def upload_start(request: HttpRequest) -> HttpResponse:
    """Open a resumable upload; answers with the URL to PUT chunks to."""
    if not perms.can_upload_evidence(request.user):
        return forbidden(request)
    form = forms.UploadStartForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "Check the form.", "fields": form.errors}, status=400)
    try:
        session = services.evidence_upload_start(
            user=request.user,
            filename=form.cleaned_data["filename"],
            content_type=form.cleaned_data["content_type"],
            total_bytes=form.cleaned_data["size"],
            metadata=form.metadata(),
        )
    except ApplicationError as exc:
        status = 413 if "the limit is" in exc.message else 400
        return JsonResponse({"error": exc.message}, status=status)
    url = reverse("evidence:upload_chunk", args=[session.uuid])
    return JsonResponse({"upload": str(session.uuid), "url": url, "offset": 0}, status=201)


@require_http_methods(["GET", "PUT"])
def upload_chunk(request: HttpRequest, upload_uuid: Any) -> HttpResponse:
    """GET: how many bytes arrived (to resume). PUT with ``Content-Range: bytes a-b/total``:
    append a chunk; the last one finalises the item. ``Content-Range: bytes */total`` with no
    body retries finalising an upload whose bytes all arrived."""
    if not perms.can_upload_evidence(request.user):
        return forbidden(request)
    session = selectors.upload_session_for_user(user=request.user, upload_uuid=upload_uuid)
    if request.method == "GET":
        return JsonResponse(
            {
                "offset": session.received_bytes,
                "total": session.total_bytes,
                "status": session.status,
                "error": session.error,
            }
        )
    content_range = request.headers.get("Content-Range", "")
    if content_range == f"bytes */{session.total_bytes}":
        # Every byte arrived but finalising failed: try it again.
        try:
            item = services.evidence_upload_finish(user=request.user, session=session)
        except UploadRejected as exc:
            return JsonResponse({"error": exc.message}, status=400)
        except ApplicationError as exc:
            return JsonResponse({"error": exc.message, **exc.extra}, status=409)
        url = reverse("evidence:detail", args=[item.uuid])
        return JsonResponse({"item": str(item.uuid), "sha256": item.sha256, "url": url}, status=201)
    match = CONTENT_RANGE.match(content_range)
    if not match:
        return JsonResponse(
            {"error": "Send a Content-Range header: bytes <first>-<last>/<total>."}, status=400
        )
    first, last, total = (int(g) for g in match.groups())
    if total != session.total_bytes or last < first:
        return JsonResponse(
            {"error": f"The upload was announced as {session.total_bytes} bytes."}, status=400
        )
    try:
        result = services.evidence_upload_chunk(
            user=request.user, session=session, start=first, length=last - first + 1, body=request
        )
    except UploadRejected as exc:
        return JsonResponse({"error": exc.message}, status=400)
    except ApplicationError as exc:
        return JsonResponse({"error": exc.message, **exc.extra}, status=409)
    if isinstance(result, EvidenceItem):
        url = reverse("evidence:detail", args=[result.uuid])
        return JsonResponse(
            {"item": str(result.uuid), "sha256": result.sha256, "url": url}, status=201
        )
    return JsonResponse({"offset": result.received_bytes, "complete": False})


# --- one item ----------------------------------------------------------------------------
def _item(request: HttpRequest, item_uuid: Any) -> EvidenceItem:
    return selectors.evidence_get_for_user(user=request.user, item_uuid=item_uuid)


@require_GET
def item_detail(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    basis = selectors.oversight_basis(user=request.user, item=item)
    custody_append(item=item, action=CustodyAction.VIEW, details={"basis": basis} if basis else {})
    user = request.user
    context = {
        "item": item,
        "custody": custody_entries(item=item),
        "links": item.links.all(),
        "categories": item.categories.all(),
        "retention_until": services.retention_until(item),
        "blockers": services.deletion_blockers(item),
        "derivatives": item.derivatives.all(),
        "grants": item.grants.select_related("user").filter(expires_at__gt=timezone.now()),
        "shares": item.share_links.all(),
        "redactions": item.redactions.select_related("requested_by"),
        "can_manage": perms.can_manage_evidence(user, item),
        "can_hold": perms.can_hold_evidence(user, item),
        "can_delete": perms.can_request_evidence_deletion(user, item),
        "can_share": perms.can_share_evidence(user, item),
        "can_redact": perms.can_request_redaction(user, item),
        "forms": {
            "categorise": forms.CategoriseForm(initial={"categories": item.categories.all()}),
            "link": forms.LinkForm(),
            "hold": forms.HoldForm(),
            "reason": forms.ReasonForm(),
            "access": forms.AccessForm(
                initial={"access_class": item.access_class, "do_not_disclose": item.do_not_disclose}
            ),
            "grant": forms.GrantForm(),
            "share": forms.ShareForm(),
            "redact": forms.RedactionForm(),
        },
        "new_share_url": request.session.pop("evidence_new_share_url", None),
    }
    return render(request, "evidence/detail.html", context)


def _verified_stream(item: EvidenceItem, handle: Any) -> Iterator[bytes]:
    """Send the file while hashing it; a mismatch at the end is logged as a fixity failure."""
    hasher = hashlib.sha256()
    with handle:
        while block := handle.read(BLOCK):
            hasher.update(block)
            yield block
    if not hmac.compare_digest(hasher.hexdigest(), item.sha256):
        audit_record(
            action="evidence.fixity_failure",
            obj=item,
            outcome="failure",
            details={"expected": item.sha256, "found": hasher.hexdigest()},
        )


def _send(request: HttpRequest, item_uuid: Any, *, action: str, attachment: bool) -> HttpResponse:
    item = _item(request, item_uuid)
    if item.status == ItemStatus.DELETED:
        raise Http404("No such evidence item.")
    basis = selectors.oversight_basis(user=request.user, item=item)
    handle = services.evidence_open_for_reading(
        user=request.user, item=item, action=action, via=basis
    )
    response = StreamingHttpResponse(_verified_stream(item, handle), content_type=item.content_type)
    response["Content-Length"] = str(item.size_bytes)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = (
        f'{disposition}; filename="{item.uuid}-{item.original_filename}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def item_stream(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    return _send(request, item_uuid, action=CustodyAction.STREAM, attachment=False)


@require_GET
def item_download(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    return _send(request, item_uuid, action=CustodyAction.DOWNLOAD, attachment=True)


@require_GET
def custody_pdf(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    from weasyprint import CSS, HTML

    item = _item(request, item_uuid)
    custody_append(item=item, action=CustodyAction.REPORT, details={"format": "pdf"})
    html = render_to_string(
        "evidence/custody_report.html",
        {
            "item": item,
            "custody": custody_entries(item=item),
            "problems": custody_chain_problems(item=item),
            "links": item.links.all(),
            "categories": item.categories.all(),
            "generated_at": timezone.now(),
            "generated_by": request.user,
        },
    )
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(REPORT_CSS))])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="custody-{item.uuid}.pdf"'
    return response


# --- actions on an item ----------------------------------------------------------------------
def _back(item: EvidenceItem) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("evidence:detail", args=[item.uuid]))


def _act(request: HttpRequest, item: EvidenceItem, action: Any, done: str) -> HttpResponse:
    try:
        action()
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(item)


@require_POST
def item_categorise(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_manage_evidence(request.user, item):
        return forbidden(request)
    form = forms.CategoriseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose categories from the list.")
        return _back(item)
    ids = [c.pk for c in form.cleaned_data["categories"]]
    return _act(
        request,
        item,
        lambda: services.evidence_categorise(actor=request.user, item=item, category_ids=ids),
        "Categories saved.",
    )


@require_POST
def item_link(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_manage_evidence(request.user, item):
        return forbidden(request)
    form = forms.LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to link to and give its number.")
        return _back(item)
    return _act(
        request,
        item,
        lambda: services.evidence_link(actor=request.user, item=item, **form.cleaned_data),
        "Link saved.",
    )


@require_POST
def item_hold(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_hold_evidence(request.user, item):
        return forbidden(request)
    form = forms.HoldForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _act(
        request,
        item,
        lambda: services.evidence_set_hold(
            actor=request.user,
            item=item,
            hold=bool(data.get("hold")),
            reason=data.get("reason", ""),
        ),
        "Legal hold updated.",
    )


@require_POST
def item_delete_request(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_request_evidence_deletion(request.user, item):
        return forbidden(request)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the item should be deleted.")
        return _back(item)
    return _act(
        request,
        item,
        lambda: services.evidence_request_deletion(
            actor=request.user, item=item, reason=form.cleaned_data["reason"]
        ),
        "Deletion queued; it can be undone for 7 days.",
    )


@require_POST
def item_undo_delete(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_request_evidence_deletion(request.user, item):
        return forbidden(request)
    return _act(
        request,
        item,
        lambda: services.evidence_undo_deletion(actor=request.user, item=item),
        "Deletion undone.",
    )


@require_POST
def item_access(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_manage_evidence(request.user, item):
        return forbidden(request)
    form = forms.AccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an access class.")
        return _back(item)
    return _act(
        request,
        item,
        lambda: services.evidence_set_access(actor=request.user, item=item, **form.cleaned_data),
        "Access saved.",
    )


@require_POST
def item_grant(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_manage_evidence(request.user, item):
        return forbidden(request)
    form = forms.GrantForm(request.POST)
    person = None
    if form.is_valid():
        person = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
    if person is None:
        messages.error(request, "Give the user name of an active colleague and a number of days.")
        return _back(item)
    return _act(
        request,
        item,
        lambda: services.evidence_grant_access(
            actor=request.user, item=item, user=person, days=form.cleaned_data["days"]
        ),
        f"{person.username} added to the access list.",
    )


@require_POST
def item_share(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_share_evidence(request.user, item):
        return forbidden(request)
    form = forms.ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say who the link is for and for how many days (1 to 90).")
        return _back(item)
    try:
        _, token = services.evidence_share(actor=request.user, item=item, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(item)
    url = request.build_absolute_uri(reverse("evidence_share:page", args=[token]))
    request.session["evidence_new_share_url"] = url  # shown once on the next page
    messages.success(request, "Share link made. Copy it now: it is not shown again.")
    return _back(item)


@require_POST
def item_unshare(request: HttpRequest, item_uuid: Any, link_id: int) -> HttpResponse:
    item = _item(request, item_uuid)
    link = get_object_or_404(ShareLink, pk=link_id, item=item)
    return _act(
        request,
        item,
        lambda: services.evidence_unshare(actor=request.user, link=link),
        "Share link revoked.",
    )


@require_POST
def item_redact_request(request: HttpRequest, item_uuid: Any) -> HttpResponse:
    item = _item(request, item_uuid)
    if not perms.can_request_redaction(request.user, item):
        return forbidden(request)
    form = forms.RedactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason and the regions and ranges as JSON lists.")
        return _back(item)
    return _act(
        request,
        item,
        lambda: redaction.redaction_request(actor=request.user, item=item, **form.cleaned_data),
        "Redaction requested; a custodian will review it.",
    )


@require_GET
def redaction_queue(request: HttpRequest) -> HttpResponse:
    if not perms._has(request.user, *perms.EVIDENCE_CUSTODIANS):
        return forbidden(request)
    return render(
        request,
        "evidence/redactions.html",
        {"queue": selectors.redaction_queue(user=request.user), "form": forms.ReviewForm()},
    )


@require_POST
def redaction_review(request: HttpRequest, redaction_id: int) -> HttpResponse:
    request_obj = get_object_or_404(
        RedactionRequest.objects.select_related("item"), pk=redaction_id
    )
    if not perms.can_review_redaction(request.user, request_obj):
        return forbidden(request)
    form = forms.ReviewForm(request.POST)
    form.is_valid()
    try:
        redaction.redaction_review(
            actor=request.user,
            redaction=request_obj,
            approve=bool(form.cleaned_data.get("approve")),
            note=form.cleaned_data.get("note", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Review saved.")
    return HttpResponseRedirect(reverse("evidence:redactions"))


# --- share links (public, under /portal/) ----------------------------------------------
def _share(token: str) -> ShareLink:
    link = services.share_link_for_token(token)
    if link is None:
        raise Http404("This link has expired, was revoked, or never existed.")
    return link


@require_GET
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    link = _share(token)
    custody_append(
        item=link.item,
        action=CustodyAction.SHARE_VIEWED,
        actor=None,
        details={"share": link.pk, "recipient": link.recipient},
    )
    response = render(
        request, "evidence/share.html", {"link": link, "item": link.item, "token": token}
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def share_download(request: HttpRequest, token: str) -> HttpResponse:
    link = _share(token)
    item = link.item
    custody_append(
        item=item,
        action=CustodyAction.DOWNLOAD,
        actor=None,
        details={"via": "share link", "share": link.pk, "recipient": link.recipient},
    )
    handle = evidence_storage().open(item.storage_key)
    response = StreamingHttpResponse(_verified_stream(item, handle), content_type=item.content_type)
    response["Content-Length"] = str(item.size_bytes)
    response["Content-Disposition"] = f'attachment; filename="{item.uuid}-{item.original_filename}"'
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response
