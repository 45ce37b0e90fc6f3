"""Public aggregates for the portal (contract 5). Raw rows; the portal suppresses small counts."""

from __future__ import annotations

from typing import Any


def community_outcomes() -> dict[str, list[dict[str, Any]]]:
    """``{"meetings": [...], "problems": [...], "survey": [...]}``; see selectors."""
    from openprecinct.community.selectors import community_outcomes as outcomes

    return outcomes()
