"""The dispatch system every patrol model describes: atoms, units, travel and preferences.

A *system* is what Larson's hypercube model (1974), its approximation (1975) and the
discrete-event simulation all take: geographical atoms (grid cells, sector parts) that
generate calls as independent Poisson processes, patrol units with exponential service
times, a units x atoms matrix of travel times, and a fixed dispatch preference policy (for
each atom, the ordered list of units to try).

Units: call rates and service rates are per hour, travel times are minutes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["PatrolSystem", "patrol_system_from_dict"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def _fail(param: str, owner: str, what: str, got: object) -> ValueError:
    return ValueError(f"The '{param}' parameter of {owner} must be {what}. Got {got!r} instead.")


def _float_vector(value: object, param: str, owner: str, *, positive: bool) -> FloatArray:
    what = "finite floats > 0" if positive else "finite floats >= 0"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _fail(param, owner, f"a list of {what}", value) from None
    if arr.ndim != 1 or arr.size == 0:
        raise _fail(param, owner, f"a non-empty list of {what}", value)
    bad = ~np.isfinite(arr) | ((arr <= 0) if positive else (arr < 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"The '{param}' parameter of {owner} must hold {what}. "
            f"Got {arr[i]!r} at position {i} instead."
        )
    return arr


@dataclass(frozen=True, eq=False)
class PatrolSystem:
    """Atoms, units, travel times and the dispatch preference policy of a patrol plan.

    Parameters
    ----------
    rates : sequence of float, length J
        Call rate of each atom, calls per hour (>= 0, at least one > 0).
    service_rate : float or sequence of float, length N
        Service rate of every unit (one float) or of each unit, completed calls per hour
        while busy (1 / mean time committed to a call, travel included). Must be > 0.
    travel_time : array_like, shape (N, J)
        Minutes from unit ``n``'s post to atom ``j``.
    preference : sequence of sequences of int, length J
        For each atom the unit indices (0-based) in dispatch order. A list that names only
        some units is completed with the others, nearest first (ties by index).
    queue : bool, default False
        False: a call that finds every unit busy is lost (zero line capacity). True: it
        waits in an infinite first-come-first-served queue for the first unit to free.
    unit_ids : sequence of str, optional
        Names of the units, for reports (default ``"0"``, ``"1"``, ...).

    Attributes
    ----------
    order : ndarray of int, shape (J, N)
        The completed preference list of every atom.

    Notes
    -----
    Errors read the same as scikit-learn's: "The 'service_rate' parameter of PatrolSystem
    must be a float in (0, inf). Got -1 instead."
    """

    rates: FloatArray
    service_rates: FloatArray
    travel_time: FloatArray
    order: IntArray
    queue: bool
    unit_ids: tuple[str, ...]

    def __init__(
        self,
        *,
        rates: Sequence[float] | FloatArray,
        service_rate: float | Sequence[float] | FloatArray,
        travel_time: Sequence[Sequence[float]] | FloatArray,
        preference: Sequence[Sequence[int]],
        queue: bool = False,
        unit_ids: Sequence[str] | None = None,
    ) -> None:
        owner = "PatrolSystem"
        lam = _float_vector(rates, "rates", owner, positive=False)
        if lam.sum() <= 0:
            raise _fail("rates", owner, "call rates with a positive total", list(rates))
        n_atoms = lam.size
        try:
            travel = np.asarray(travel_time, dtype=np.float64)
        except (TypeError, ValueError):
            raise _fail(
                "travel_time", owner, "a units x atoms matrix of minutes", travel_time
            ) from None
        if travel.ndim != 2 or travel.shape[1] != n_atoms or travel.shape[0] < 1:
            raise ValueError(
                f"The 'travel_time' parameter of {owner} must be a units x atoms matrix "
                f"(N x {n_atoms}). Got shape {travel.shape} instead."
            )
        if not np.isfinite(travel).all() or (travel < 0).any():
            raise _fail("travel_time", owner, "finite minutes >= 0", "a negative or missing value")
        n_units = travel.shape[0]
        if isinstance(service_rate, int | float | np.floating | np.integer):
            mu_value = float(service_rate)
            if not (math.isfinite(mu_value) and mu_value > 0):
                raise _fail("service_rate", owner, "a float in (0, inf)", service_rate)
            mu = np.full(n_units, mu_value)
        else:
            mu = _float_vector(service_rate, "service_rate", owner, positive=True)
            if mu.size != n_units:
                raise ValueError(
                    f"The 'service_rate' parameter of {owner} must be one float or one per "
                    f"unit ({n_units}). Got {mu.size} values instead."
                )
        if not isinstance(queue, bool | np.bool_):
            raise _fail("queue", owner, "a bool", queue)
        if isinstance(preference, str | bytes) or len(preference) != n_atoms:
            raise ValueError(
                f"The 'preference' parameter of {owner} must hold one list per atom "
                f"({n_atoms}). Got {len(preference)} lists instead."
            )
        order = np.empty((n_atoms, n_units), dtype=np.int64)
        for j, listed in enumerate(preference):
            seen: list[int] = []
            for u in listed:
                if isinstance(u, bool) or not isinstance(u, int | np.integer):
                    raise ValueError(
                        f"The 'preference' parameter of {owner} must hold unit indices. "
                        f"Got {u!r} for atom {j} instead."
                    )
                if not 0 <= int(u) < n_units:
                    raise ValueError(
                        f"The 'preference' parameter of {owner} names unit {int(u)} for atom "
                        f"{j}, but there are only {n_units} units (indices 0 to {n_units - 1})."
                    )
                if int(u) in seen:
                    raise ValueError(
                        f"The 'preference' parameter of {owner} names unit {int(u)} twice for "
                        f"atom {j}."
                    )
                seen.append(int(u))
            rest = [u for u in np.argsort(travel[:, j], kind="stable").tolist() if u not in seen]
            order[j] = seen + rest
        ids = tuple(str(i) for i in range(n_units)) if unit_ids is None else tuple(unit_ids)
        if len(ids) != n_units:
            raise ValueError(
                f"The 'unit_ids' parameter of {owner} must name each of the {n_units} units. "
                f"Got {len(ids)} names instead."
            )
        object.__setattr__(self, "rates", lam)
        object.__setattr__(self, "service_rates", mu)
        object.__setattr__(self, "travel_time", travel)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "queue", bool(queue))
        object.__setattr__(self, "unit_ids", ids)
        for arr in (lam, mu, travel, order):
            arr.setflags(write=False)

    @property
    def n_units(self) -> int:
        """Number of units N."""
        return int(self.travel_time.shape[0])

    @property
    def n_atoms(self) -> int:
        """Number of atoms J."""
        return int(self.rates.size)

    @property
    def total_rate(self) -> float:
        """Total call rate, calls per hour."""
        return float(self.rates.sum())

    def with_queue(self, queue: bool) -> PatrolSystem:
        """The same system with the other line capacity."""
        return PatrolSystem(
            rates=self.rates,
            service_rate=self.service_rates,
            travel_time=self.travel_time,
            preference=self.order.tolist(),
            queue=queue,
            unit_ids=self.unit_ids,
        )


def _field(data: Mapping[str, Any], name: str) -> Any:
    if name not in data:
        raise ValueError(f"The model has no '{name}' field; add it (see docs/patrol.md).")
    return data[name]


def patrol_system_from_dict(data: Mapping[str, Any]) -> PatrolSystem:
    """Build a :class:`PatrolSystem` from the JSON model format of ``openprecinct patrol``.

    Parameters
    ----------
    data : mapping
        ``atoms`` (list of objects with ``rate``, calls per hour), ``units`` (list of objects
        with ``id``), ``service_rate`` (per hour) or ``service_rates`` (one per unit),
        ``travel_time`` (minutes, units x atoms), ``preference`` (per atom, unit indices in
        dispatch order), optional ``queue`` (bool).

    Raises
    ------
    ValueError
        With a one-line message naming the faulty field.
    """
    if not isinstance(data, Mapping):
        raise ValueError("The model must be a JSON object with atoms, units, service_rate, ...")
    atoms = _field(data, "atoms")
    if not isinstance(atoms, list) or not atoms:
        raise ValueError("The 'atoms' field must be a non-empty list of objects with a 'rate'.")
    rates: list[float] = []
    for j, atom in enumerate(atoms):
        if not isinstance(atom, Mapping) or "rate" not in atom:
            raise ValueError(f"atoms[{j}] must be an object with a 'rate' (calls per hour).")
        rate = atom["rate"]
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate):
            raise ValueError(f"atoms[{j}].rate must be a number of calls per hour. Got {rate!r}.")
        if rate < 0:
            raise ValueError(f"atoms[{j}].rate must be >= 0 calls per hour. Got {rate!r}.")
        rates.append(float(rate))
    units = _field(data, "units")
    if not isinstance(units, list) or not units:
        raise ValueError("The 'units' field must be a non-empty list of objects with an 'id'.")
    ids: list[str] = []
    for i, unit in enumerate(units):
        if not isinstance(unit, Mapping) or "id" not in unit:
            raise ValueError(f"units[{i}] must be an object with an 'id'.")
        ids.append(str(unit["id"]))
    if "service_rates" in data:
        service: Any = data["service_rates"]
        field = "service_rates"
    else:
        service = _field(data, "service_rate")
        field = "service_rate"
    if field == "service_rate" and (
        isinstance(service, bool) or not isinstance(service, int | float)
    ):
        raise ValueError(f"The 'service_rate' field must be a number per hour. Got {service!r}.")
    if field == "service_rates" and (not isinstance(service, list) or len(service) != len(ids)):
        raise ValueError(
            f"The 'service_rates' field must be a list with one rate per unit ({len(ids)})."
        )
    travel = _field(data, "travel_time")
    if (
        not isinstance(travel, list)
        or len(travel) != len(ids)
        or any(not isinstance(row, list) or len(row) != len(rates) for row in travel)
    ):
        raise ValueError(
            f"The 'travel_time' field must be a units x atoms matrix: {len(ids)} rows of "
            f"{len(rates)} minutes."
        )
    preference = _field(data, "preference")
    if not isinstance(preference, list) or len(preference) != len(rates):
        raise ValueError(
            f"The 'preference' field must hold one list of unit indices per atom ({len(rates)})."
        )
    for j, listed in enumerate(preference):
        if not isinstance(listed, list) or any(
            isinstance(u, bool) or not isinstance(u, int) for u in listed
        ):
            raise ValueError(f"preference[{j}] must be a list of unit indices (integers).")
        for u in listed:
            if not 0 <= u < len(ids):
                raise ValueError(
                    f"preference[{j}] names unit {u}, but 'units' has only {len(ids)} "
                    f"(indices 0 to {len(ids) - 1})."
                )
    queue = data.get("queue", False)
    if not isinstance(queue, bool):
        raise ValueError(f"The 'queue' field must be true or false. Got {queue!r}.")
    try:
        return PatrolSystem(
            rates=rates,
            service_rate=service if field == "service_rates" else float(service),
            travel_time=travel,
            preference=preference,
            queue=queue,
            unit_ids=ids,
        )
    except ValueError as exc:
        message = str(exc).replace("parameter of PatrolSystem", "field")
        raise ValueError(message) from None
