"""Fixity: a changed file or a changed custody chain makes `evidence verify` fail, naming the item."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from openprecinct.core.audit import audit_maintenance
from openprecinct.evidence.custody import CustodyAction, custody_append
from openprecinct.evidence.models import CustodyEntry
from openprecinct.evidence.services import evidence_verify
from openprecinct.evidence.storage import evidence_storage


@pytest.fixture
def two_items(upload, personas):
    watched = upload(title="Watched")
    untouched = upload(title="Untouched")
    for action in (CustodyAction.VIEW, CustodyAction.DOWNLOAD, CustodyAction.STREAM):
        custody_append(item=watched, action=action, actor=personas["sergeant"])
    return watched, untouched


def _verify_fails_naming(item, capsys):
    with pytest.raises(CommandError, match="1 of 2 evidence items failed"):
        call_command("evidence", "verify")
    err = capsys.readouterr().err
    assert str(item.uuid) in err
    return err


def _without_guards(sql: str, params=()) -> None:
    """Tamper as someone with raw database access would: drop the triggers first."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS evidence_custodyentry_no_update")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def test_an_untouched_store_verifies(two_items, capsys):
    call_command("evidence", "verify")
    assert "OK: 2 evidence items" in capsys.readouterr().out


def test_flipping_one_byte_of_a_stored_file_fails_verify_naming_the_item(two_items, capsys):
    watched, _ = two_items
    path = evidence_storage().path(watched.storage_key)
    path.chmod(0o640)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    err = _verify_fails_naming(watched, capsys)
    assert "SHA-256" in err


def test_a_missing_file_fails_verify(two_items, capsys):
    watched, _ = two_items
    evidence_storage().path(watched.storage_key).unlink()
    assert "missing" in _verify_fails_naming(watched, capsys)


def test_editing_a_custody_entry_fails_verify(two_items, capsys):
    watched, _ = two_items
    entry = watched.custody.get(seq=2)
    _without_guards(
        "UPDATE evidence_custodyentry SET actor_username = %s WHERE id = %s", ["nobody", entry.pk]
    )
    assert "#2 was altered" in _verify_fails_naming(watched, capsys)


def test_deleting_a_custody_entry_fails_verify(two_items, capsys):
    watched, _ = two_items
    with audit_maintenance():
        CustodyEntry.objects.filter(item=watched, seq=2)._raw_delete(connection.alias)
    assert "#2 before #3 is missing" in _verify_fails_naming(watched, capsys)


def test_deleting_the_newest_custody_entry_fails_verify(two_items, capsys):
    watched, _ = two_items
    with audit_maintenance():
        CustodyEntry.objects.filter(item=watched, seq=4)._raw_delete(connection.alias)
    assert "newest entries were deleted" in _verify_fails_naming(watched, capsys)


def test_reordering_custody_entries_fails_verify(two_items, capsys):
    watched, _ = two_items
    a, b = watched.custody.get(seq=2), watched.custody.get(seq=3)
    columns = ["seq", "action", "prev_hash", "entry_hash", "at", "actor_id", "actor_username"]
    # Swap the two rows' contents, so insertion order no longer matches the chain.
    for placeholder, row in ((1002, a), (1003, b)):  # out of the way of the unique keys
        _without_guards(
            "UPDATE evidence_custodyentry SET seq = %s, entry_hash = %s WHERE id = %s",
            [placeholder, str(placeholder), row.pk],
        )
    for src, dst in ((b, a), (a, b)):
        sets = ", ".join(f"{c} = %s" for c in columns)
        _without_guards(
            f"UPDATE evidence_custodyentry SET {sets} WHERE id = %s",
            [getattr(src, c) for c in columns] + [dst.pk],
        )
    assert "out of order" in _verify_fails_naming(watched, capsys)


def test_the_database_refuses_to_change_or_delete_custody_entries(two_items):
    from django.db import DatabaseError, transaction

    watched, _ = two_items
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE evidence_custodyentry SET action = 'view'")
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM evidence_custodyentry")
    with pytest.raises(PermissionError):
        watched.custody.first().delete()
    assert evidence_verify().ok


def test_every_custody_entry_also_writes_an_audit_record(two_items):
    from openprecinct.core.models import AuditEntry

    watched, _ = two_items
    actions = list(
        AuditEntry.objects.filter(
            object_type="evidence.evidenceitem",
            object_id=str(watched.pk),
            action__in=[f"evidence.{a}" for a in CustodyAction.values],
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["evidence.upload", "evidence.view", "evidence.download", "evidence.stream"]
