"""Public community pages at /portal/community/: the tip line, suspicious-activity and
service-request forms, events with RSVP and feedback, safety posts and their feeds, the
donations ledger, the academy application and the trust survey.

The tip and SAR routes are wrapped in ``anonymous_route`` (see anonymity.py): no address,
header or cookie of the caller reaches the view, the audit log or any log line.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from openprecinct.core.errors import ApplicationError

from . import anonymity, feeds, selectors, services, tipcrypto
from .models import (
    SERVICE_CODES,
    Cohort,
    Event,
    SafetyPost,
    Survey,
    SuspiciousActivityReport,
)

MAX_TIP_POST_BYTES = 16 * 1024 * 1024
TIP_CATEGORIES = [
    ("", "Choose if you like"),
    ("drugs", "Drug dealing"),
    ("guns", "Guns or weapons"),
    ("violence", "Violence or threats"),
    ("property", "Theft, burglary or damage"),
    ("fraud", "Fraud or scams"),
    ("wanted", "Where a wanted person is"),
    ("other", "Something else"),
]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/public/home.html",
        {
            "events": selectors.upcoming_events()[:5],
            "posts": selectors.public_posts()[:5],
            "cohorts": Cohort.objects.filter(status="open"),
            "surveys": Survey.objects.filter(status="published"),
        },
    )


# --- tips -----------------------------------------------------------------------------------
def _tip_form_context(**extra: Any) -> dict[str, Any]:
    return {
        "token": anonymity.form_token("tip"),
        "categories": TIP_CATEGORIES,
        "bits": tipcrypto.PASSPHRASE_BITS,
        "max_chars": services.NARRATIVE_MAX,
        "precinct": settings.OPENPRECINCT_PRECINCT,
        **extra,
    }


def _refuse_cross_site(request: HttpRequest) -> HttpResponse | None:
    if not anonymity.same_origin_post(request):
        return HttpResponse(
            "This form can only be sent from this site's own page.",
            status=403,
            content_type="text/plain",
        )
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_TIP_POST_BYTES:
        return HttpResponse(
            "That is too much to send at once (16 MB at most).",
            status=413,
            content_type="text/plain",
        )
    return None


@require_http_methods(["GET", "POST"])
@anonymity.anonymous_route
def tip_form(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "community/public/tip_form.html", _tip_form_context())
    refused = _refuse_cross_site(request)
    if refused:
        return refused
    request.upload_handlers = [anonymity.MemoryOnlyUploadHandler(request)]
    data = request.POST
    try:
        anonymity.read_form_token(data.get("token", ""), "tip")
        anonymity.check_tip_rate(request.tip_bucket, request.tip_window)  # type: ignore[attr-defined]
        photos = [
            f.read(anonymity.MAX_ATTACHMENT_BYTES + 1) for f in request.FILES.getlist("photos")
        ]
        tip, passphrase = services.submit_tip(
            narrative=data.get("narrative", ""),
            category=data.get("category", ""),
            latitude=data.get("latitude") or None,
            longitude=data.get("longitude") or None,
            photos=photos,
        )
    except ApplicationError as exc:
        status = 429 if isinstance(exc, anonymity.RateLimited) else 400
        context = _tip_form_context(error=exc.message, values=data)
        return render(request, "community/public/tip_form.html", context, status=status)
    return render(
        request,
        "community/public/tip_receipt.html",
        {
            "reference": tipcrypto.display_reference(tip.reference),
            "passphrase": passphrase,
            "bits": tipcrypto.PASSPHRASE_BITS,
        },
    )


NOT_FOUND_MESSAGE = (
    "We could not open a tip with that tip ID and passphrase. Check both and try again."
)


def _conversation(request: HttpRequest, tip: Any, **extra: Any) -> HttpResponse:
    conversation = [
        {"author": m.get_author_display(), "body": m.body, "on": m.sent_on}
        for m in tip.messages.all()
    ]
    return render(
        request,
        "community/public/tip_conversation.html",
        {
            "reference": tipcrypto.display_reference(tip.reference),
            "narrative": tip.narrative_original,
            "received_on": tip.received_on,
            "conversation": conversation,
            "closed": tip.status in ("closed", "purged"),
            "status": "closed" if tip.status in ("closed",) else "open",
            "token": anonymity.form_token("tip-reply", tip.reference),
            **extra,
        },
    )


@require_http_methods(["GET", "POST"])
@anonymity.anonymous_route
def tip_follow_up(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(
            request, "community/public/tip_check.html", {"token": anonymity.form_token("tip-check")}
        )
    refused = _refuse_cross_site(request)
    if refused:
        return refused
    try:
        anonymity.read_form_token(request.POST.get("token", ""), "tip-check")
        anonymity.check_follow_up_rate(request.tip_bucket, request.tip_window)  # type: ignore[attr-defined]
    except ApplicationError as exc:
        status = 429 if isinstance(exc, anonymity.RateLimited) else 400
        context = {"token": anonymity.form_token("tip-check"), "error": exc.message}
        return render(request, "community/public/tip_check.html", context, status=status)
    tip = services.tip_for_tipster(
        request.POST.get("reference", "")[:64], request.POST.get("passphrase", "")[:128]
    )
    if tip is None:
        context = {"token": anonymity.form_token("tip-check"), "error": NOT_FOUND_MESSAGE}
        return render(request, "community/public/tip_check.html", context, status=404)
    return _conversation(request, tip)


REPLY_TOKEN_AGE = 30 * 60


@require_http_methods(["POST"])
@anonymity.anonymous_route
def tip_reply(request: HttpRequest) -> HttpResponse:
    refused = _refuse_cross_site(request)
    if refused:
        return refused
    try:
        reference = anonymity.read_form_token(
            request.POST.get("token", ""), "tip-reply", max_age=REPLY_TOKEN_AGE
        )
    except ApplicationError:
        context = {
            "token": anonymity.form_token("tip-check"),
            "error": "For your safety the conversation closes after 30 minutes. "
            "Enter your tip ID and passphrase again.",
        }
        return render(request, "community/public/tip_check.html", context, status=400)
    from .models import Tip

    tip = Tip.objects.filter(reference=reference).exclude(status="purged").first()
    if tip is None:
        raise Http404
    try:
        anonymity.check_reply_rate(reference, request.tip_window)  # type: ignore[attr-defined]
        services.tipster_reply(tip, request.POST.get("body", ""))
    except ApplicationError as exc:
        return _conversation(request, tip, error=exc.message, draft=request.POST.get("body", ""))
    return _conversation(request, tip, sent=True)


# --- suspicious activity ----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@anonymity.anonymous_route
def sar_form(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "behaviours": SuspiciousActivityReport.BEHAVIOURS,
        "token": anonymity.form_token("sar"),
        "today": timezone.localdate(),
    }
    if request.method == "GET":
        return render(request, "community/public/sar_form.html", context)
    refused = _refuse_cross_site(request)
    if refused:
        return refused
    data = request.POST
    try:
        anonymity.read_form_token(data.get("token", ""), "sar")
        anonymity.check_tip_rate(request.tip_bucket, request.tip_window)  # type: ignore[attr-defined]
        try:
            observed = date.fromisoformat(data.get("observed_on", ""))
        except ValueError as exc:
            raise ApplicationError("Give the date you saw it (YYYY-MM-DD).") from exc
        sar = services.submit_sar(
            behaviour=data.get("behaviour", ""),
            description=data.get("description", ""),
            location=data.get("location", ""),
            observed_on=observed,
            confirmed_behaviour=data.get("confirmed_behaviour") == "on",
        )
    except ApplicationError as exc:
        context.update(
            error=exc.message,
            values=data,
            bias_warnings=exc.extra.get("bias_warnings", []),
        )
        return render(request, "community/public/sar_form.html", context, status=400)
    return render(request, "community/public/sar_done.html", {"reference": sar.reference})


# --- service requests ----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def service_request_form(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "codes": sorted(SERVICE_CODES.items()),
        "precinct": settings.OPENPRECINCT_PRECINCT,
    }
    if request.method == "POST":
        data = request.POST
        try:
            anonymity.check_public_form_rate("service", request.META.get("REMOTE_ADDR"))
            sr = services.submit_service_request(
                service_code=data.get("service_code", ""),
                description=data.get("description", ""),
                address=data.get("address", ""),
                latitude=data.get("latitude") or None,
                longitude=data.get("longitude") or None,
            )
        except ApplicationError as exc:
            context.update(error=exc.message, values=data)
            return render(request, "community/public/service_form.html", context, status=400)
        context["created"] = sr
    return render(request, "community/public/service_form.html", context)


# --- events ---------------------------------------------------------------------------------
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    sector = request.GET.get("sector", "")[:8]
    events = selectors.upcoming_events()
    if sector:
        events = events.filter(sector__in=(sector, ""))
    past = selectors.public_events().filter(status="held").order_by("-starts_at")[:20]
    return render(
        request,
        "community/public/events.html",
        {"events": events, "past": past, "sector": sector, "sectors": _sectors()},
    )


def _sectors() -> list[str]:
    precinct = settings.OPENPRECINCT_PRECINCT
    return [f"{precinct}{s}" for s in "ABCD"]


def _public_event(pk: int) -> Event:
    return get_object_or_404(selectors.public_events(), pk=pk)


@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _public_event(pk)
    context: dict[str, Any] = {"event": event}
    if request.method == "POST":
        form = request.POST.get("form")
        try:
            anonymity.check_public_form_rate("event", request.META.get("REMOTE_ADDR"))
            if form == "rsvp":
                try:
                    party = int(request.POST.get("party_size") or 1)
                except ValueError as exc:
                    raise ApplicationError("Party size must be a number.") from exc
                row, code = services.rsvp(
                    event,
                    name=request.POST.get("name", ""),
                    email=request.POST.get("email", ""),
                    party_size=party,
                )
                context.update(rsvp=row, rsvp_code=code)
            elif form == "feedback":
                try:
                    rating = int(request.POST.get("rating") or 0)
                except ValueError:
                    rating = 0
                useful = {"yes": True, "no": False}.get(request.POST.get("useful", ""))
                services.give_feedback(
                    event, rating=rating, useful=useful, comment=request.POST.get("comment", "")
                )
                context["feedback_thanks"] = True
            else:
                raise ApplicationError("Unknown form.")
        except ApplicationError as exc:
            context.update(error=exc.message, values=request.POST)
            event.refresh_from_db()
            return render(request, "community/public/event.html", context, status=400)
        event.refresh_from_db()
    if event.kind in ("sector_meeting", "council", "town_hall"):
        context["report_backs"] = event.report_backs.select_related("problem")
        context["raised"] = event.problems_raised.all()
    return render(request, "community/public/event.html", context)


@require_http_methods(["GET", "POST"])
def rsvp_cancel(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    if request.method == "POST":
        try:
            anonymity.check_public_form_rate("rsvp-cancel", request.META.get("REMOTE_ADDR"))
            row = services.cancel_rsvp(request.POST.get("code", "")[:32])
            context["cancelled"] = row.event
        except ApplicationError as exc:
            context["error"] = exc.message
            return render(request, "community/public/rsvp_cancel.html", context, status=404)
    return render(request, "community/public/rsvp_cancel.html", context)


@require_GET
def events_ics(request: HttpRequest) -> HttpResponse:
    body = feeds.ical(selectors.public_events(), host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="precinct-events.ics"'
    return response


@require_GET
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = _public_event(pk)
    body = feeds.ical([event], host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@require_GET
def problems(request: HttpRequest) -> HttpResponse:
    """Concerns raised at meetings and where each stands, by sector."""
    sector = request.GET.get("sector", "")[:8]
    return render(
        request,
        "community/public/problems.html",
        {
            "problems": selectors.sector_problems(sector)[:200],
            "sector": sector,
            "sectors": _sectors(),
        },
    )


# --- safety posts ----------------------------------------------------------------------------
@require_GET
def post_list(request: HttpRequest) -> HttpResponse:
    sector = request.GET.get("sector", "")[:8]
    return render(
        request,
        "community/public/posts.html",
        {"posts": selectors.public_posts(sector)[:50], "sector": sector, "sectors": _sectors()},
    )


@require_GET
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(SafetyPost.objects.filter(status__in=("published", "expired")), pk=pk)
    return render(
        request,
        "community/public/post.html",
        {
            "post": post,
            "revisions": post.revisions.all(),
            "social": feeds.social_text(post, host=request.get_host()),
        },
    )


@require_GET
def posts_atom(request: HttpRequest) -> HttpResponse:
    body = feeds.atom(
        selectors.public_posts()[:50],
        host=request.get_host(),
        self_url=request.build_absolute_uri(reverse("community_public:posts_atom")),
    )
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


# --- ledger, academy, survey ---------------------------------------------------------------
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    from .models import Drive

    return render(
        request,
        "community/public/ledger.html",
        {**selectors.public_ledger(), "drives": Drive.objects.filter(status="open")},
    )


@require_http_methods(["GET", "POST"])
def academy_apply(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.filter(status="open"), pk=pk)
    context: dict[str, Any] = {"cohort": cohort}
    if request.method == "POST":
        data = request.POST
        try:
            anonymity.check_public_form_rate("academy", request.META.get("REMOTE_ADDR"), limit=5)
            services.apply_to_academy(
                cohort,
                name=data.get("name", ""),
                email=data.get("email", ""),
                phone=data.get("phone", ""),
                statement=data.get("statement", ""),
                lives_or_works_in_precinct=data.get("local") == "on",
            )
        except ApplicationError as exc:
            context.update(error=exc.message, values=data)
            return render(request, "community/public/academy_apply.html", context, status=400)
        context["applied"] = True
    return render(request, "community/public/academy_apply.html", context)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = get_object_or_404(Survey.objects.exclude(status="draft"), pk=pk)
    context: dict[str, Any] = {
        "survey": instrument,
        "questions": instrument.questions.all(),
        "sectors": _sectors(),
        "scale": [
            (1, "Strongly disagree"),
            (2, "Disagree"),
            (3, "Neither"),
            (4, "Agree"),
            (5, "Strongly agree"),
        ],
        "results": selectors.survey_results(instrument),
        "minimum": selectors.SURVEY_MIN_RESPONSES,
    }
    if request.method == "POST":
        answers: dict[int, int] = {}
        try:
            anonymity.check_public_form_rate("survey", request.META.get("REMOTE_ADDR"), limit=10)
            for q in instrument.questions.all():
                raw = request.POST.get(f"q{q.pk}", "")
                if raw:
                    answers[q.pk] = int(raw)
            services.submit_survey_response(
                instrument, sector=request.POST.get("sector", "")[:8], answers=answers
            )
        except (ApplicationError, ValueError) as exc:
            message = exc.message if isinstance(exc, ApplicationError) else "Answers are 1 to 5."
            context["error"] = message
            return render(request, "community/public/survey.html", context, status=400)
        context["thanks"] = True
        context["results"] = selectors.survey_results(instrument)
    return render(request, "community/public/survey.html", context)
