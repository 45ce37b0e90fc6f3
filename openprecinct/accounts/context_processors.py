"""The navigation each role sees: built from the same ``can_*`` rules that guard the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from openprecinct.accounts import permissions as perms

# (label, url name, rule). Entries whose URL does not exist yet are skipped.
NAV: list[tuple[str, str, Any]] = [
    ("Home", "core:home", perms.can_use_staff_pages),
    ("Records", "records:list", perms.can_view_records),
    ("New report", "records:create", perms.can_create_report),
    ("Approvals", "records:approvals", lambda u: perms._has(u, *perms.SUPERVISORS)),
    ("Imports", "records:imports", perms.can_import_records),
    ("CompStat", "insights:compstat", perms.can_view_compstat),
    ("Analysis", "insights:analysis", perms.can_run_analysis),
    ("Map", "core:map", perms.can_view_map),
    ("Evidence", "evidence:list", perms.can_view_evidence_list),
    ("Dispatch", "dispatch:console", perms.can_dispatch),
    ("Phone view", "dispatch:mobile", perms.can_use_mobile_view),
    ("Complaints", "accountability:home", perms.can_view_complaints),
    ("Response times", "dispatch:response_times", perms.can_view_response_times),
    ("Patrol plan", "dispatch:patrol", perms.can_plan_patrol),
    ("Oversight", "oversight:home", perms.can_use_oversight),
    ("Early intervention", "personnel:home", perms.can_view_early_intervention),
    ("Community", "community:home", perms.can_manage_community),
    ("Users", "accounts:users", perms.can_manage_users),
    ("Audit log", "core:audit", perms.can_view_audit_log),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # An API token user has no is_verified (django-otp sets it per session): no navigation,
    # instead of an AttributeError while rendering an error page for an API call.
    verified = getattr(user, "is_verified", lambda: False)
    if user is None or not user.is_authenticated or not verified():
        return {"nav_items": []}
    items = []
    for label, name, rule in NAV:
        if not rule(user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items}
