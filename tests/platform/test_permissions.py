"""Each role sees only what its ``can_*`` rules allow; no role and locked accounts see nothing."""

import inspect
from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from openprecinct.accounts import permissions as perms
from openprecinct.accounts.roles import Role
from tests.conftest import login_verified

# Rules that take only a user, and the roles that must get True from each.
EXPECTED = {
    "can_manage_users": {"administrator"},
    "can_view_audit_log": {"administrator", "ia_investigator"},
    "can_view_records": {
        "patrol_officer",
        "sergeant",
        "crime_analyst",
        "dispatcher",
        "commanding_officer",
        "records_clerk",
        "ia_investigator",
    },
    "can_view_sealed_records": {"commanding_officer", "ia_investigator", "records_clerk"},
    "can_create_report": {"patrol_officer", "sergeant", "commanding_officer"},
    "can_import_records": {"records_clerk", "administrator"},
    "can_export_nibrs": {"records_clerk", "commanding_officer"},
    "can_run_analysis": {"crime_analyst", "commanding_officer"},
    "can_dispatch": {"dispatcher", "sergeant"},
    "can_view_complaints": {"ia_investigator", "commanding_officer"},
    "can_view_oversight_packets": {"oversight_member"},
    "can_manage_community": {"community_affairs", "commanding_officer"},
}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_rule_allows_exactly_its_roles(personas, rule):
    allowed = {name for name, user in personas.items() if getattr(perms, rule)(user)}
    assert allowed == EXPECTED[rule]


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_a_locked_or_inactive_user_gets_no_from_every_rule(personas, rule):
    co = personas["commanding_officer"]
    admin = personas["administrator"]
    co.locked_at = timezone.now()
    admin.is_active = False
    for user in (co, admin):
        assert not getattr(perms, rule)(user)


def test_anonymous_gets_no_from_every_rule(db):
    from django.contrib.auth.models import AnonymousUser

    thing = SimpleNamespace(pk=1, author_id=2, status="submitted")
    for name in dir(perms):
        if not name.startswith("can_"):
            continue
        fn = getattr(perms, name)
        required = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        # The user first, then the object asked about, then any action name.
        extra = [thing, "view"][: len(required) - 1]
        assert not fn(AnonymousUser(), *extra), name


def test_a_sergeant_cannot_approve_their_own_report(personas):
    sergeant = personas["sergeant"]
    own = SimpleNamespace(author_id=sergeant.pk, status="submitted")
    other = SimpleNamespace(author_id=personas["patrol_officer"].pk, status="submitted")
    assert not perms.can_approve_report(sergeant, own)
    assert perms.can_approve_report(sergeant, other)
    assert not perms.can_approve_report(personas["patrol_officer"], other)


def test_sealed_records_are_visible_only_to_the_roles_allowed(personas):
    sealed = SimpleNamespace(is_sealed=True, author_id=None, status="approved")
    seeing = {name for name, u in personas.items() if perms.can_view_record(u, sealed)}
    assert seeing == {"commanding_officer", "ia_investigator", "records_clerk"}


def test_every_role_is_covered_by_the_personas(personas):
    assert set(Role.values) <= set(personas)


def test_the_navigation_shows_only_what_the_role_may_open(client, personas):
    for name, user in personas.items():
        client.logout()
        login_verified(client, user)
        response = client.get(reverse("core:home"))
        assert response.status_code == 200
        labels = {item["label"] for item in response.context["nav_items"]}
        assert ("Users" in labels) == perms.can_manage_users(user), name
        assert ("Audit log" in labels) == perms.can_view_audit_log(user), name
        try:
            reverse("records:list")
            assert ("Records" in labels) == perms.can_view_records(user), name
        except NoReverseMatch:
            pass


def test_a_user_with_no_role_sees_a_no_role_page_and_nothing_else(client, personas):
    login_verified(client, personas["outsider"])
    response = client.get(reverse("core:home"))
    assert b"has no role" in response.content
    assert response.context["cards"] == []
    for name in ("accounts:users", "core:audit", "core:map"):
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "page, allowed",
    [("accounts:users", {"administrator"}), ("core:audit", {"administrator", "ia_investigator"})],
)
def test_restricted_pages_open_only_for_their_roles(client, personas, page, allowed):
    opened = set()
    for name, user in personas.items():
        client.logout()
        login_verified(client, user)
        if client.get(reverse(page)).status_code == 200:
            opened.add(name)
    assert opened == allowed
