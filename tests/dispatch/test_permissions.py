"""The dispatch rules in accounts/permissions.py allow exactly their roles."""

import pytest

from openprecinct.accounts import permissions as perms

pytestmark = pytest.mark.django_db

RULES = {
    "can_dispatch": {"dispatcher", "sergeant"},
    "can_use_mobile_view": {"patrol_officer", "sergeant"},
    "can_resolve_unit_emergency": {"dispatcher", "sergeant", "commanding_officer"},
    "can_flag_hazard": {"patrol_officer", "sergeant", "commanding_officer", "dispatcher"},
    "can_review_hazards": {"sergeant", "commanding_officer"},
    "can_view_response_times": {"dispatcher", "crime_analyst", "sergeant", "commanding_officer"},
    "can_plan_patrol": {"crime_analyst", "commanding_officer"},
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_each_dispatch_rule_allows_exactly_its_roles(personas, rule):
    allowed = {name for name, user in personas.items() if getattr(perms, rule)(user)}
    assert allowed == RULES[rule]
