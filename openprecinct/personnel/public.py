"""Public aggregates for the portal (contract 5). Raw counts; the portal suppresses small ones.

No officer is named and no wellness figure is ever returned here.
"""

from __future__ import annotations

from typing import Any


def training_compliance() -> list[dict[str, Any]]:
    """Per required course and command: officers required and officers compliant today."""
    from openprecinct.personnel.selectors import training_compliance_by_command

    return [
        {
            "course": row["course"],
            "command": row["command"],
            "required": row["required"],
            "compliant": row["compliant"],
        }
        for row in training_compliance_by_command()
    ]
