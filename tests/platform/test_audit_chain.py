"""The audit log is append-only and hash-chained: any tampering is found and named."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from openprecinct.core.audit import audit_record, audit_verify
from openprecinct.core.models import AuditEntry


@pytest.fixture
def chain(db):
    return [audit_record(action="test.event", object_type="thing", object_id=i) for i in range(6)]


class triggers_off:
    """What a database administrator with full rights could do: lift the append-only guard."""

    def __enter__(self):
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER core_auditentry_no_update")
                cursor.execute("DROP TRIGGER core_auditentry_no_delete")
            else:
                cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        return connection.cursor()

    def __exit__(self, *exc):
        return False  # the test transaction rolls the DDL back


def test_an_untouched_chain_verifies(chain):
    result = audit_verify()
    assert result.ok
    assert result.entries_checked == len(chain)


def test_entries_carry_who_what_when_to_the_millisecond(chain):
    entry = chain[0]
    assert entry.at.microsecond % 1000 == 0
    assert entry.entry_hash != entry.prev_hash
    assert chain[1].prev_hash == chain[0].entry_hash


def test_the_application_cannot_change_or_delete_an_entry(chain):
    entry = AuditEntry.objects.get(pk=chain[2].pk)
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_database_refuses_update_and_delete(chain):
    for sql in (
        "UPDATE core_auditentry SET action = 'forged'",
        "DELETE FROM core_auditentry",
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert audit_verify().ok


def test_maintenance_lets_whole_database_work_delete_but_never_update(chain):
    from openprecinct.core.audit import audit_maintenance

    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [chain[0].pk])
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute("UPDATE core_auditentry SET action = 'forged'")
    assert AuditEntry.objects.count() == len(chain) - 1
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")  # switched off again


def test_an_altered_entry_is_named(chain):
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET object_id = 'changed' WHERE id = %s", [chain[3].pk]
        )
        result = audit_verify()
    assert not result.ok
    assert [p.seq for p in result.problems] == [chain[3].seq]
    assert "altered" in str(result.problems[0])


def test_a_deleted_entry_is_named(chain):
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [chain[2].pk])
        result = audit_verify()
    assert not result.ok
    assert any(f"#{chain[2].seq}" in str(p) and "missing" in str(p) for p in result.problems)


def test_deleting_the_newest_entries_is_found(chain):
    with triggers_off() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id >= %s", [chain[4].pk])
        result = audit_verify()
    assert not result.ok
    assert "newest entries were deleted" in str(result.problems[-1])


def test_reordered_entries_are_named(chain):
    a, b = chain[1], chain[2]
    with triggers_off() as cursor:
        # swap the content of two rows, keeping each row's stored hash consistent with itself
        cols = "seq, at, actor_id, actor_username, action, object_type, object_id, outcome, ip_address, source, request_id, details, prev_hash, entry_hash"  # noqa: E501
        cursor.execute(
            f"SELECT {cols} FROM core_auditentry WHERE id IN (%s, %s) ORDER BY id", [a.pk, b.pk]
        )  # noqa: E501
        rows = cursor.fetchall()
        cursor.execute(
            "UPDATE core_auditentry SET seq = seq + 1000, entry_hash = 'tmp' || substr(entry_hash, 4) WHERE id IN (%s, %s)",
            [a.pk, b.pk],
        )  # noqa: E501
        for pk, row in ((a.pk, rows[1]), (b.pk, rows[0])):
            sets = ", ".join(f"{c.strip()} = %s" for c in cols.split(","))
            cursor.execute(f"UPDATE core_auditentry SET {sets} WHERE id = %s", [*row, pk])  # noqa: S608
        result = audit_verify()
    assert not result.ok
    named = {p.seq for p in result.problems}
    assert a.seq in named and b.seq in named
    assert any("out of order" in str(p) for p in result.problems)


def test_the_verify_command_fails_and_names_the_entry(chain, capsys):
    call_command("audit", "verify")
    assert "chain intact" in capsys.readouterr().out
    with triggers_off() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET outcome = 'failure' WHERE id = %s", [chain[5].pk]
        )
        with pytest.raises(CommandError):
            call_command("audit", "verify")
    err = capsys.readouterr().err
    assert f"entry #{chain[5].seq}" in err


def test_creating_updating_and_deleting_a_record_is_audited(db):
    from openprecinct.accounts.models import User

    user = User.objects.create_user("someone", password="x-long-passphrase-1")
    user.first_name = "Changed"
    user.save()
    pk = user.pk
    user.delete()
    actions = list(
        AuditEntry.objects.filter(object_type="accounts.user", object_id=str(pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["accounts.user.create", "accounts.user.update", "accounts.user.delete"]
