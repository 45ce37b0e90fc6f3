"""The public drone pages under /portal/drones/: the flight log, its map data, and a
capability sheet per aircraft. No sign-in; nothing that names a pilot or a call."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from openprecinct.evidence import drones
from openprecinct.evidence.models import Aircraft


@require_GET
def flight_log(request: HttpRequest) -> HttpResponse:
    flights = drones.public_flights()
    page = Paginator(flights, 100).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "months": drones.monthly_statistics(flights),
        "aircraft": Aircraft.objects.exclude(status=Aircraft.Status.RETIRED),
    }
    return render(request, "evidence/public_flight_log.html", context)


@require_GET
def flights_geojson(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(drones.flights_geojson(drones.public_flights()))
    response["Content-Type"] = "application/geo+json"
    return response


@require_GET
def aircraft_sheet(request: HttpRequest, aircraft_id: int) -> HttpResponse:
    aircraft = get_object_or_404(Aircraft, pk=aircraft_id)
    flights = drones.public_flights().filter(aircraft=aircraft)
    return render(
        request,
        "evidence/public_aircraft.html",
        {
            "aircraft": aircraft,
            "flight_count": flights.count(),
            "months": drones.monthly_statistics(flights)[:12],
        },
    )
