from __future__ import annotations

import pytest

from tests.oversight import factories


@pytest.fixture
def case(db):
    return factories.complaint()


@pytest.fixture
def members(make_user):
    return [make_user(f"member-{i}", "oversight_member") for i in range(3)]
