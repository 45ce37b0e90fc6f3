"""Staff pages for drones: the flights (published or not) and forms for aircraft and flights."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from openprecinct.accounts import permissions as perms
from openprecinct.core.audit import audit_record
from openprecinct.core.errors import ApplicationError
from openprecinct.core.views import forbidden
from openprecinct.evidence import drones, forms
from openprecinct.evidence.models import Aircraft, Flight


@require_GET
def flight_list(request: HttpRequest) -> HttpResponse:
    if not perms.can_manage_drones(request.user):
        return forbidden(request)
    flights = Flight.objects.select_related("aircraft", "pilot").order_by("-launched_at")
    page = Paginator(flights, 50).get_page(request.GET.get("page"))
    return render(
        request, "evidence/drone_flights.html", {"page": page, "aircraft": Aircraft.objects.all()}
    )


@require_http_methods(["GET", "POST"])
def flight_create(request: HttpRequest) -> HttpResponse:
    if not perms.can_manage_drones(request.user):
        return forbidden(request)
    form = forms.FlightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            drones.flight_record(pilot=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Flight recorded.")
            return HttpResponseRedirect(reverse("evidence:drone_flights"))
    return render(request, "evidence/drone_form.html", {"form": form, "what": "Record a flight"})


@require_http_methods(["GET", "POST"])
def aircraft_create(request: HttpRequest) -> HttpResponse:
    if not perms._has(request.user, *perms.SUPERVISORS):
        return forbidden(request)
    form = forms.AircraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        aircraft = form.save()
        audit_record(action="drone.aircraft_register", obj=aircraft)
        messages.success(request, f"{aircraft.name} added to the registry.")
        return HttpResponseRedirect(reverse("evidence:drone_flights"))
    return render(
        request, "evidence/drone_form.html", {"form": form, "what": "Register an aircraft"}
    )
