"""Cars needed per tour, PCAM style (Chaiken and Dormont 1978, built for the NYPD).

For every hour of a tour the precinct is taken as an M/M/c queue: calls arrive at the hour's
rate, each car is busy for the mean service time, and calls wait when every car is busy
(Erlang C). The tour needs the fewest cars ``c`` such that, in *every* hour of the tour,

* the probability that a call waits for a car is at most ``max_p_wait``;
* the mean wait in queue, over all calls, is at most ``max_mean_wait_minutes``;
* the patrol frequency - the times per hour a car passes a given point on patrol - is at
  least ``min_patrol_frequency``: the expected number of free cars ``c (1 - u) - lambda/mu``
  times ``patrol_speed_mph`` divided by ``street_miles`` (Chaiken and Dormont's estimate; ``u``
  is the fraction of car time unavailable for calls: meals, court, vehicle).

References
----------
Chaiken, J. M. and Dormont, P. (1978). A patrol car allocation model: background, capabilities
and algorithms. *Management Science* 24(12), 1280-1300.
Kolesar, P., Rider, K., Crabill, T. and Walker, W. (1975). A queuing-linear programming
approach to scheduling police patrol cars. *Operations Research* 23(6), 1045-1062.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from openprecinct.analytics.patrol.hypercube import mmn_state_probabilities

__all__ = ["PcamResult", "PcamTour", "erlang_c", "pcam", "pcam_from_dict"]

#: NYPD's three platoons, approximated to whole hours (first 23:15-07:50, second 07:15-15:50,
#: third 15:15-23:50): hours of the day each tour covers.
DEFAULT_TOURS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("first platoon (midnight)", tuple(range(0, 8))),
    ("second platoon (day)", tuple(range(8, 16))),
    ("third platoon (evening)", tuple(range(16, 24))),
)


def erlang_c(arrival_rate: float, service_rate: float, servers: int) -> tuple[float, float]:
    """P(wait) and mean wait in queue over all calls (hours) of the M/M/c queue.

    Returns ``(1.0, inf)`` when the queue is unstable (``arrival_rate >= servers *
    service_rate``).
    """
    if arrival_rate <= 0:
        return 0.0, 0.0
    if arrival_rate >= servers * service_rate:
        return 1.0, math.inf
    p_wait = float(mmn_state_probabilities(arrival_rate, service_rate, servers, queue=True)[-1])
    return p_wait, p_wait / (servers * service_rate - arrival_rate)


@dataclass(frozen=True)
class PcamTour:
    """Cars needed for one tour and the figures they give in its worst hour.

    Attributes
    ----------
    name : str
    hours : tuple of int
    cars : int
        Fewest cars meeting every target in every hour of the tour.
    binding : str
        Which target set the number: ``"p_wait"``, ``"mean_wait"``, ``"patrol_frequency"``
        ``"stability"`` (just enough cars for the queue not to grow) or ``"none"`` (one car
        meets every target).
    p_wait : float
        Worst hour's probability that a call waits.
    mean_wait_minutes : float
        Worst hour's mean wait in queue, minutes.
    patrol_frequency : float
        Lowest hour's patrol passes per hour.
    """

    name: str
    hours: tuple[int, ...]
    cars: int
    binding: str
    p_wait: float
    mean_wait_minutes: float
    patrol_frequency: float


@dataclass(frozen=True)
class PcamResult:
    """Cars per tour; ``tours`` in the order given."""

    tours: tuple[PcamTour, ...]
    targets: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "targets": dict(self.targets),
            "tours": [
                {
                    "name": t.name,
                    "hours": list(t.hours),
                    "cars": t.cars,
                    "binding": t.binding,
                    "p_wait": t.p_wait,
                    "mean_wait_minutes": t.mean_wait_minutes,
                    "patrol_frequency": t.patrol_frequency,
                }
                for t in self.tours
            ],
        }


def _positive(value: float, name: str, *, allow_inf: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not (value > 0) or (math.isinf(value) and not allow_inf) or value != value:
        raise ValueError(
            f"The '{name}' parameter of pcam must be a float in (0, inf). Got {value!r} instead."
        )
    return float(value)


def pcam(
    *,
    calls_per_hour: Sequence[float],
    service_minutes: float,
    max_p_wait: float = 1.0,
    max_mean_wait_minutes: float = math.inf,
    min_patrol_frequency: float = 0.0,
    street_miles: float = 1.0,
    patrol_speed_mph: float = 10.0,
    unavailable_fraction: float = 0.0,
    tours: Sequence[tuple[str, Sequence[int]]] = DEFAULT_TOURS,
    max_cars: int = 500,
) -> PcamResult:
    """Fewest patrol cars per tour that meet queueing and patrol-frequency targets.

    Parameters
    ----------
    calls_per_hour : sequence of float
        Calls for service per hour, one value per hour of the day (index = hour).
    service_minutes : float
        Mean time a car is committed to a call, minutes (travel included).
    max_p_wait : float, default 1 (no target)
        Highest acceptable probability that a call waits for a car.
    max_mean_wait_minutes : float, default inf (no target)
        Highest acceptable mean wait in queue, minutes, over all calls.
    min_patrol_frequency : float, default 0 (no target)
        Lowest acceptable patrol passes per hour.
    street_miles : float
        Street miles to patrol.
    patrol_speed_mph : float
        Patrol speed when free, miles per hour.
    unavailable_fraction : float in [0, 1)
        Share of car time unavailable for calls and patrol (meals, court, repairs).
    tours : sequence of (name, hours)
        Default: NYPD's three platoons (hours 0-7, 8-15, 16-23).
    max_cars : int
        Give up (ValueError) beyond this many cars.

    Returns
    -------
    PcamResult
    """
    rates = np.asarray(calls_per_hour, dtype=np.float64)
    if rates.ndim != 1 or rates.size == 0 or not np.isfinite(rates).all() or (rates < 0).any():
        raise ValueError(
            "The 'calls_per_hour' parameter of pcam must be a list of call rates >= 0 "
            f"(one per hour). Got {list(calls_per_hour)!r} instead."
        )
    mu = 60.0 / _positive(service_minutes, "service_minutes")
    if not 0 < max_p_wait <= 1:
        raise ValueError(
            f"The 'max_p_wait' parameter of pcam must be a float in (0, 1]. Got {max_p_wait!r} "
            "instead."
        )
    _positive(max_mean_wait_minutes, "max_mean_wait_minutes", allow_inf=True)
    if not (min_patrol_frequency >= 0 and math.isfinite(min_patrol_frequency)):
        raise ValueError(
            "The 'min_patrol_frequency' parameter of pcam must be a float in [0, inf). "
            f"Got {min_patrol_frequency!r} instead."
        )
    miles = _positive(street_miles, "street_miles")
    speed = _positive(patrol_speed_mph, "patrol_speed_mph")
    if not 0 <= unavailable_fraction < 1:
        raise ValueError(
            "The 'unavailable_fraction' parameter of pcam must be a float in [0, 1). "
            f"Got {unavailable_fraction!r} instead."
        )
    available = 1.0 - unavailable_fraction
    out: list[PcamTour] = []
    for name, hours in tours:
        hours_t = tuple(int(h) for h in hours)
        if not hours_t or any(not 0 <= h < rates.size for h in hours_t):
            raise ValueError(
                f"The 'tours' parameter of pcam lists hours outside 0..{rates.size - 1} for "
                f"tour {name!r}."
            )
        out.append(
            _tour(
                name,
                hours_t,
                rates,
                mu,
                available,
                max_p_wait,
                max_mean_wait_minutes,
                min_patrol_frequency,
                miles,
                speed,
                max_cars,
            )
        )
    targets = {
        "max_p_wait": max_p_wait,
        "max_mean_wait_minutes": max_mean_wait_minutes,
        "min_patrol_frequency": min_patrol_frequency,
    }
    return PcamResult(tours=tuple(out), targets=targets)


def _tour(
    name: str,
    hours: tuple[int, ...],
    rates: np.ndarray[Any, np.dtype[np.float64]],
    mu: float,
    available: float,
    max_p_wait: float,
    max_wait: float,
    min_freq: float,
    miles: float,
    speed: float,
    max_cars: int,
) -> PcamTour:
    binding = "none"
    for cars in range(1, max_cars + 1):
        servers_eff = cars * available
        worst_p, worst_w, worst_f = 0.0, 0.0, math.inf
        failed = ""
        for h in hours:
            lam = float(rates[h])
            # cars unavailable part of the time: the queue sees cars * available servers
            # (rounded down: a fraction of a car cannot take a call)
            servers = max(int(math.floor(servers_eff + 1e-9)), 0)
            if servers == 0 or lam >= servers * mu:
                failed = failed or "stability"
                worst_p, worst_w = 1.0, math.inf
                worst_f = min(worst_f, 0.0)
                continue
            p, w = erlang_c(lam, mu, servers)
            freq = max(servers_eff - lam / mu, 0.0) * speed / miles
            worst_p, worst_w, worst_f = max(worst_p, p), max(worst_w, w * 60.0), min(worst_f, freq)
            if p > max_p_wait:
                failed = failed or "p_wait"
            if w * 60.0 > max_wait:
                failed = failed or "mean_wait"
            if freq < min_freq:
                failed = failed or "patrol_frequency"
        if not failed:
            return PcamTour(name, hours, cars, binding, worst_p, worst_w, worst_f)
        binding = failed
    raise ValueError(
        f"Tour {name!r} needs more than {max_cars} cars to meet the targets; relax them."
    )


def pcam_from_dict(data: Mapping[str, Any]) -> PcamResult:
    """Run :func:`pcam` on the JSON format of ``openprecinct patrol pcam`` (docs/patrol.md)."""
    if not isinstance(data, Mapping):
        raise ValueError("The PCAM file must be a JSON object (see docs/patrol.md).")
    for key in ("calls_per_hour", "service_minutes"):
        if key not in data:
            raise ValueError(f"The PCAM file has no '{key}' field; add it (see docs/patrol.md).")
    targets = data.get("targets", {})
    if not isinstance(targets, Mapping):
        raise ValueError("The 'targets' field must be an object.")
    known = {"max_p_wait", "max_mean_wait_minutes", "min_patrol_frequency"}
    unknown = set(targets) - known
    if unknown:
        raise ValueError(
            f"The 'targets' field has unknown keys {sorted(unknown)}; use {sorted(known)}."
        )
    tours_raw = data.get("tours")
    tours: Sequence[tuple[str, Sequence[int]]] = DEFAULT_TOURS
    if tours_raw is not None:
        if not isinstance(tours_raw, list) or not all(
            isinstance(t, Mapping) and "hours" in t for t in tours_raw
        ):
            raise ValueError("The 'tours' field must be a list of objects with 'name', 'hours'.")
        tours = [(str(t.get("name", i)), list(t["hours"])) for i, t in enumerate(tours_raw)]
    try:
        return pcam(
            calls_per_hour=data["calls_per_hour"],
            service_minutes=data["service_minutes"],
            street_miles=data.get("street_miles", 1.0),
            patrol_speed_mph=data.get("patrol_speed_mph", 10.0),
            unavailable_fraction=data.get("unavailable_fraction", 0.0),
            tours=tours,
            max_p_wait=float(targets.get("max_p_wait", 1.0)),
            max_mean_wait_minutes=float(targets.get("max_mean_wait_minutes", math.inf)),
            min_patrol_frequency=float(targets.get("min_patrol_frequency", 0.0)),
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc).replace("parameter of pcam", "field")) from None
