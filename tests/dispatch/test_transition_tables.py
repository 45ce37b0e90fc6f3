"""Every allowed and every forbidden transition of the call and unit tables."""

import itertools

import pytest

from openprecinct.core.errors import TransitionNotAllowed
from openprecinct.dispatch.models import CallStatus, UnitStatus
from openprecinct.dispatch.services import (
    CALL_TRANSITIONS,
    UNIT_TRANSITIONS,
    call_next_status,
    unit_next_status,
)

CALL_ACTIONS = sorted({a for _, a in CALL_TRANSITIONS})
UNIT_ACTIONS = sorted({a for _, a in UNIT_TRANSITIONS})


@pytest.mark.parametrize(("status", "action"), sorted(CALL_TRANSITIONS))
def test_each_allowed_call_transition_lands_where_the_table_says(status, action):
    assert call_next_status(status, action) == CALL_TRANSITIONS[(status, action)]


@pytest.mark.parametrize(
    ("status", "action"),
    [p for p in itertools.product(CallStatus.values, CALL_ACTIONS) if p not in CALL_TRANSITIONS],
)
def test_each_forbidden_call_transition_is_refused_with_the_allowed_ones_named(status, action):
    with pytest.raises(TransitionNotAllowed, match="can't") as exc:
        call_next_status(status, action)
    assert "allowed" in exc.value.message


@pytest.mark.parametrize(("status", "action"), sorted(UNIT_TRANSITIONS))
def test_each_allowed_unit_transition_lands_where_the_table_says(status, action):
    assert unit_next_status(status, action) == UNIT_TRANSITIONS[(status, action)]


@pytest.mark.parametrize(
    ("status", "action"),
    [p for p in itertools.product(UnitStatus.values, UNIT_ACTIONS) if p not in UNIT_TRANSITIONS],
)
def test_each_forbidden_unit_transition_is_refused(status, action):
    with pytest.raises(TransitionNotAllowed, match="allowed now"):
        unit_next_status(status, action)


def test_every_status_can_be_left_except_the_final_ones():
    leaving = {s for s, _ in CALL_TRANSITIONS}
    assert set(CallStatus.values) - leaving == set()  # closed and cancelled re-open
    assert {s for s, _ in UNIT_TRANSITIONS} == set(UnitStatus.values)


def test_an_emergency_is_reachable_from_every_on_duty_status():
    on_duty = set(UnitStatus.values) - {UnitStatus.OFF_DUTY, UnitStatus.EMERGENCY}
    assert {s for s, a in UNIT_TRANSITIONS if a == "emergency"} == on_duty
