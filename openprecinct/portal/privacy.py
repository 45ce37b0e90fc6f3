"""The portal's privacy rules, as code, in one reviewed place.

Every public page, download and API response of the transparency portal is built from
tables and map points that went through this module; nothing public reads records or
another app's figures without it. Change a rule here and every route changes with it.

Three kinds of rule:

1. **What may be published about a record** (:func:`rule_for`). Each incident gets one of

   * ``none``: not published at all, not even counted (sealed records, drafts and returned
     reports, records whose offence is not classified);
   * ``counts``: counted in tables, never shown as a point. Sex offences, domestic
     violence, child abuse, deaths (murder, manslaughter, any fatal incident), hate crimes,
     and, by default, any category this table does not name (deny by default);
   * ``block``: a point snapped to the centre of the 100 m square it falls in, about one
     city block (no street network ships with the package, so the square stands in for the
     block or intersection); date and hour only;
   * ``offset``: a point moved in a random direction by 40-100 % of a radius
     (:data:`OFFSET_RADIUS_M`); the move is derived from a keyed hash of the record, so it
     is the same in every download and repeated downloads cannot be averaged back to the
     true place; date only.

2. **Small counts** (:func:`suppress`). A count from 1 to 4 (:data:`THRESHOLD`) of people or
   incidents is shown as ``<5``. The precinct is small: nearly every table crosses a
   rare type, a sector or a period shorter than a year, so the rule applies to every count
   column of every public table (columns that count public events, such as meetings held,
   are marked ``public`` and are exempt). Where a table shows a total, a single hidden
   figure could be recovered by subtraction, so a second figure of the same total is
   hidden too (complementary suppression, shown as ``withheld``). Measures computed from
   a hidden count (percent change, a median) are withheld with it.

3. **Times** are coarsened (:func:`coarse_time`): hour for ``block`` points, date for
   ``offset`` points, nothing finer than the table's period elsewhere.

Every withheld, counted-only, snapped or moved record and every hidden cell is counted in a
:class:`Ledger`, logged on the ``openprecinct.portal.privacy`` logger, and summarised on the
methodology page (``/portal/methodology/``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from openprecinct.analytics import categories as cats

logger = logging.getLogger("openprecinct.portal.privacy")

# --------------------------------------------------------------------------- thresholds

#: Counts below this (and above zero) are not published.
THRESHOLD: Final = 5
#: What a suppressed count shows, on pages, in CSV and in the API.
SUPPRESSED: Final = "<5"
#: What a figure hidden to protect a suppressed one shows (and a measure of a hidden count).
WITHHELD: Final = "withheld"
#: Radius of the random offset, metres (about 800 ft, a little more than LexisNexis' 500 ft).
OFFSET_RADIUS_M: Final = 250.0
#: The inner edge of the offset ring, as a share of the radius: never (almost) in place.
OFFSET_MIN_SHARE: Final = 0.4
#: Side of the square a ``block`` point is snapped to, metres.
BLOCK_M: Final = 100.0

NONE: Final = "none"
COUNTS: Final = "counts"
BLOCK: Final = "block"
OFFSET: Final = "offset"
RULES: Final = (NONE, COUNTS, BLOCK, OFFSET)

RULE_TEXT: Final[dict[str, str]] = {
    NONE: "Not published, not counted.",
    COUNTS: "Counted in tables (small counts suppressed); never shown as a point.",
    BLOCK: f"Point snapped to the centre of its {BLOCK_M:.0f} m square (about a block); date and hour.",
    OFFSET: (
        f"Point moved {OFFSET_MIN_SHARE * OFFSET_RADIUS_M:.0f}-{OFFSET_RADIUS_M:.0f} m in a fixed "
        "random direction; date only."
    ),
}

# --------------------------------------------------------------------------- record rules

#: Categories whose records are never points, whatever else they carry.
SENSITIVE_CATEGORIES: Final[frozenset[str]] = frozenset(
    {
        cats.MURDER,
        cats.RAPE,
        "Fel. Sex Crimes",
        cats.MISD_SEX_CRIMES,
        "Rape 1",
        "Other Sex Crimes",
        "Total Fatalities",
        cats.HATE_CRIMES,
    }
)

#: Offence wording that marks sex offences (Penal Law art. 130 and related), domestic
#: violence, child abuse and death investigations: counts only.
SENSITIVE_WORDS: Final = re.compile(
    r"RAPE|SODOMY|SEX|LEWD|INCEST|CHILD|ENDANGERING WELFARE|JUVENILE|DOMESTIC|FAMILY"
    r"|ORDER OF PROTECTION|CONTEMPT|HOMICIDE|MURDER|MANSLAUGHTER|DEATH|KIDNAP|ABORTION"
    r"|STRANGULATION|TRAFFICKING|PROSTITUT|UNLAWFUL SURVEILLANCE",
)

#: Category -> rule for the rest. Categories not named here are ``counts`` (deny by default).
CATEGORY_RULES: Final[dict[str, str]] = {
    cats.BURGLARY: BLOCK,
    cats.GR_LARCENY: BLOCK,
    cats.GLA: BLOCK,
    cats.PETIT_LARCENY: BLOCK,
    "Fel. Criminal Mischief": BLOCK,
    "Misd. Criminal Mischief": BLOCK,
    "Fel. Stolen Property": BLOCK,
    "Misd. Stolen Property": BLOCK,
    "Forgery/Theft-Fraud": BLOCK,
    "Frauds": BLOCK,
    "Fel. Dangerous Drugs": BLOCK,
    "Misd. Dangerous Drugs": BLOCK,
    "Fel. Dangerous Weapons": BLOCK,
    "Misd. Dangerous Weapons": BLOCK,
    "Criminal Trespass": BLOCK,
    "Unauthorized Use of a Vehicle": BLOCK,
    "Intoxicated Driving": BLOCK,
    "Vehicle and Traffic Laws": BLOCK,
    cats.ROBBERY: OFFSET,
    cats.FEL_ASSAULT: OFFSET,
    cats.MISD_ASSAULT: OFFSET,
    cats.HARASSMENT_2: OFFSET,
    "Offenses Against the Person": OFFSET,
    "Arson": OFFSET,
    cats.SHOOTING_INCIDENTS: OFFSET,
}


@dataclass(frozen=True)
class Decision:
    rule: str
    reason: str


def rule_for(record: Any) -> Decision:
    """What may be published about one incident (anything with the Incident fields)."""
    if getattr(record, "is_sealed", False):
        return Decision(NONE, "sealed record")
    status = getattr(record, "status", "approved")
    if status != "approved":
        return Decision(NONE, "not an approved report")
    category = getattr(record, "compstat_category", "") or ""
    if not category:
        return Decision(NONE, "offence not classified")
    if category in SENSITIVE_CATEGORIES:
        return Decision(COUNTS, "sensitive category")
    if getattr(record, "kind", "") == "hate_crime":
        return Decision(COUNTS, "hate crime")
    if getattr(record, "fatal", None):
        return Decision(COUNTS, "death investigation")
    words = f"{getattr(record, 'offense_description', '')} {getattr(record, 'pd_description', '')}"
    if SENSITIVE_WORDS.search(words.upper()):
        return Decision(COUNTS, "sex offence, domestic violence, child abuse or death")
    rule = CATEGORY_RULES.get(category, COUNTS)
    return Decision(rule, "category rule" if category in CATEGORY_RULES else "not listed")


def is_never_a_point(record: Any) -> bool:
    return rule_for(record).rule in (NONE, COUNTS)


# --------------------------------------------------------------------------- points


def _key() -> bytes:
    from django.conf import settings

    return hashlib.sha256(b"openprecinct.portal.geomask:" + settings.SECRET_KEY.encode()).digest()


def keyed_unit(label: str, *parts: object) -> float:
    """A number in [0, 1) fixed by the installation's secret and the record: not guessable,
    the same on every request."""
    message = "|".join([label, *(str(p) for p in parts)]).encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def public_id(record_id: object) -> str:
    """An opaque, stable identifier for a published point (not the record's number)."""
    message = f"public-id|{record_id}".encode()
    return "p" + hmac.new(_key(), message, hashlib.sha256).hexdigest()[:12]


def mask_xy(rule: str, record_id: object, x_m: float, y_m: float) -> tuple[float, float]:
    """The published position (projected metres) of a ``block`` or ``offset`` record."""
    if rule == BLOCK:
        return (
            (math.floor(x_m / BLOCK_M) + 0.5) * BLOCK_M,
            (math.floor(y_m / BLOCK_M) + 0.5) * BLOCK_M,
        )
    if rule == OFFSET:
        angle = 2 * math.pi * keyed_unit("angle", record_id)
        share = math.sqrt(
            OFFSET_MIN_SHARE**2 + (1 - OFFSET_MIN_SHARE**2) * keyed_unit("radius", record_id)
        )
        distance = OFFSET_RADIUS_M * share
        return x_m + distance * math.cos(angle), y_m + distance * math.sin(angle)
    raise ValueError(f"rule {rule!r} publishes no point")


def coarse_time(rule: str, when: datetime | None) -> dict[str, str]:
    """The published date and hour of a point: hour for ``block``, date only for ``offset``."""
    if when is None:
        return {"date": "", "hour": ""}
    from django.utils import timezone

    local = timezone.localtime(when) if timezone.is_aware(when) else when
    if rule == BLOCK:
        return {"date": local.date().isoformat(), "hour": f"{local.hour:02d}:00"}
    return {"date": local.date().isoformat(), "hour": ""}


# --------------------------------------------------------------------------- the ledger


@dataclass
class Ledger:
    """What the rules did to one public dataset: records by rule and reason, hidden cells."""

    dataset: str
    records: Counter[tuple[str, str]] = field(default_factory=Counter)  # (rule, reason)
    cells: Counter[str] = field(default_factory=Counter)  # primary / complementary / measure
    total_cells: int = 0

    def record(self, rule: str, reason: str) -> None:
        self.records[(rule, reason)] += 1

    def log(self) -> None:
        if self.records or any(self.cells.values()):
            logger.info(
                "portal privacy %s: records %s; cells %s of %s hidden",
                self.dataset,
                dict(sorted((f"{r}:{why}", n) for (r, why), n in self.records.items())),
                dict(self.cells),
                self.total_cells,
            )

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "records": [
                {"rule": r, "reason": why, "records": n}
                for (r, why), n in sorted(self.records.items())
            ],
            "cells_total": self.total_cells,
            "cells_suppressed": self.cells["primary"],
            "cells_complementary": self.cells["complementary"],
            "measures_withheld": self.cells["measure"],
        }


# --------------------------------------------------------------------------- tables


Cell = tuple[int, str]  # (row index, column key)


@dataclass(frozen=True)
class Group:
    """Cells that add up: ``total`` (or None when the table shows no total) = sum of parts.

    ``total_known``: the total is not in this table but is published elsewhere (the trend's
    last four weeks add up to CompStat's 28 days), so it protects like a shown total.
    ``locked``: parts whose figure is published elsewhere, never picked as a complement
    (hiding them here would hide nothing).
    """

    total: Cell | None
    parts: tuple[Cell, ...]
    total_known: bool = False
    locked: tuple[Cell, ...] = ()


def _value(rows: Sequence[dict[str, Any]], cell: Cell) -> int | None:
    value = rows[cell[0]].get(cell[1])
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def suppress(
    rows: list[dict[str, Any]],
    *,
    counts: Sequence[str],
    groups: Iterable[Group] = (),
    measures: dict[str, Sequence[str]] | None = None,
    measure_floor: dict[str, str] | None = None,
    ledger: Ledger | None = None,
) -> list[dict[str, Any]]:
    """Apply the small-count rule to a table, in place, and return it.

    Parameters
    ----------
    rows : list of dict
        Raw rows (integers in the count columns).
    counts : sequence of str
        Columns holding counts of people or incidents: 1-4 become :data:`SUPPRESSED`.
    groups : iterable of Group
        Sums the table shows; complementary suppression keeps each hidden figure hidden.
    measures : dict
        Measure column -> count columns it is computed from (same row): withheld when one
        of them is hidden.
    measure_floor : dict
        Measure column -> count column: withheld when that count is below the threshold
        (a median or share of fewer than 5 people describes individuals).
    """
    hidden: dict[Cell, str] = {}
    for i in range(len(rows)):
        for key in counts:
            value = _value(rows, (i, key))
            if value is not None and 0 < value < THRESHOLD:
                hidden[(i, key)] = "primary"
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        for group in groups:
            members = ([group.total] if group.total else []) + list(group.parts)
            shown_total = group.total is not None or group.total_known
            if not shown_total or len([m for m in members if m in hidden]) != 1:
                continue
            candidates = [
                p
                for p in group.parts
                if p not in hidden and p not in group.locked and _value(rows, p) is not None
            ]
            if not candidates:
                if group.total is None:
                    continue  # nothing left to hide here; the other table protects its total
                hidden[group.total] = "complementary"
            else:
                # the smallest figure, preferring one that is not zero (a hidden zero hides little)
                best = min(candidates, key=lambda c: ((_value(rows, c) or 0) == 0, _value(rows, c)))
                hidden[best] = "complementary"
            changed = True
    for (i, key), why in hidden.items():
        rows[i][key] = SUPPRESSED if why == "primary" else WITHHELD
    withheld_measures = 0
    for i, row in enumerate(rows):
        for measure, sources in (measures or {}).items():
            if row.get(measure) is not None and any((i, s) in hidden for s in sources):
                row[measure] = WITHHELD
                withheld_measures += 1
        for measure, source in (measure_floor or {}).items():
            base = row.get(source)
            small = base == SUPPRESSED or (isinstance(base, int) and base < THRESHOLD)
            if row.get(measure) not in (None, WITHHELD) and small:
                row[measure] = WITHHELD
                withheld_measures += 1
    if ledger is not None:
        ledger.total_cells += sum(1 for row in rows for k in counts if k in row)
        ledger.cells.update(hidden.values())
        ledger.cells["measure"] += withheld_measures
    return rows


def groups_by(
    rows: Sequence[dict[str, Any]],
    *,
    total_of: Callable[[dict[str, Any]], tuple[Any, ...] | None],
    part_of: Callable[[dict[str, Any]], tuple[Any, ...] | None],
    columns: Sequence[str],
) -> list[Group]:
    """Groups where a total row (key from ``total_of``) sums the part rows with the same key."""
    totals: dict[tuple[Any, ...], int] = {}
    parts: dict[tuple[Any, ...], list[int]] = {}
    for i, row in enumerate(rows):
        key = total_of(row)
        if key is not None:
            totals[key] = i
        key = part_of(row)
        if key is not None:
            parts.setdefault(key, []).append(i)
    result = []
    for key, members in parts.items():
        total = totals.get(key)
        for column in columns:
            result.append(
                Group(
                    None if total is None else (total, column),
                    tuple((i, column) for i in members),
                )
            )
    return result


def is_hidden(value: object) -> bool:
    return value in (SUPPRESSED, WITHHELD)
