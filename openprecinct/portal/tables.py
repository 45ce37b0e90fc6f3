"""Public tables: one object behind a page's table, its CSV download and its API response.

A :class:`PublicTable` is built once per query (after :mod:`openprecinct.portal.privacy`),
cached, and then rendered three ways from the same :meth:`PublicTable.text_rows`, so the
page, the CSV and the JSON cannot disagree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from openprecinct.portal.privacy import is_hidden


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # "dimension", "count" (privacy rules apply), "public_count", "measure", "text"
    description: str
    unit: str = ""


def text(value: Any) -> str:
    """How a value is written on the page and in the CSV (one function for both)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


@dataclass
class PublicTable:
    slug: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    available: bool = True
    unavailable_reason: str = ""
    ledger: dict[str, Any] = field(default_factory=dict)
    version: str = ""

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def filtered(self, filters: dict[str, str]) -> PublicTable:
        """The same table restricted to rows whose dimension columns equal the filters.
        Suppression was decided on the whole table first, so a subset hides the same cells."""
        dims = {c.key for c in self.columns if c.kind == "dimension"}
        wanted = {k: v for k, v in filters.items() if k in dims}
        if not wanted:
            return self
        rows = [r for r in self.rows if all(text(r.get(k)) == v for k, v in wanted.items())]
        return PublicTable(
            self.slug,
            self.title,
            self.columns,
            rows,
            self.notes,
            self.available,
            self.unavailable_reason,
            self.ledger,
            self.version,
        )

    def text_rows(self) -> list[list[str]]:
        return [[text(row.get(k)) for k in self.keys] for row in self.rows]

    def hidden_count(self) -> int:
        return sum(1 for row in self.rows for k in self.keys if is_hidden(row.get(k)))

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.keys)
        writer.writerows(self.text_rows())
        return out.getvalue()

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.slug,
            "title": self.title,
            "available": self.available,
            "unavailable_reason": self.unavailable_reason,
            "columns": [
                {"key": c.key, "label": c.label, "kind": c.kind, "description": c.description}
                for c in self.columns
            ],
            "rows": [dict(zip(self.keys, r, strict=True)) for r in self.text_rows()],
            "notes": list(self.notes),
            "privacy": self.ledger,
            "data_version": self.version,
        }
