"""The security checklist as one visible suite: which test proves which requirement.

Run all of it with::

    .venv/bin/pytest $(.venv/bin/python -m tests.security.checklist)

The tests live with the code they test (owned by its app); this index names them, and
``test_checklist_index.py`` fails if a named test disappears or is renamed.
"""

from __future__ import annotations

# requirement -> [(test file, test name prefix)]; anchors as in docs/security.md
CHECKLIST: dict[str, list[tuple[str, str]]] = {
    "Lock-out after 5 failures in 15 min, admin release (CJIS AC-7)": [
        ("tests/platform/test_lockout.py", "test_five_failures_within_15_minutes_lock_the_account"),
        ("tests/platform/test_lockout.py", "test_the_lock_does_not_lift_by_itself"),
        ("tests/platform/test_lockout.py", "test_only_an_administrator_can_unlock"),
        (
            "tests/platform/test_lockout.py",
            "test_wrong_user_and_wrong_password_get_the_same_answer",
        ),
    ],
    "Two-factor gating of every staff page and API route (CJIS IA-2(1))": [
        ("tests/platform/test_two_factor_gate.py", "test_the_walk_finds_the_staff_pages"),
        (
            "tests/platform/test_two_factor_gate.py",
            "test_a_password_only_session_reaches_no_staff_page_or_api_route",
        ),
        (
            "tests/platform/test_two_factor_gate.py",
            "test_an_anonymous_visitor_reaches_no_staff_page",
        ),
    ],
    "Session expiry: 30 min idle, 12 h absolute (CJIS IA-11)": [
        ("tests/platform/test_session_expiry.py", "test_a_session_ends_after_30_minutes_idle"),
        (
            "tests/platform/test_session_expiry.py",
            "test_a_session_ends_12_hours_after_sign_in_even_when_active",
        ),
        ("tests/platform/test_session_expiry.py", "test_locking_an_account_ends_its_session"),
    ],
    "Audit coverage (CJIS AU-2)": [
        (
            "tests/platform/test_audit_chain.py",
            "test_creating_updating_and_deleting_a_record_is_audited",
        ),
        ("tests/platform/test_denials_audited.py", "test_a_refused_page_is_audited"),
        ("tests/platform/test_denials_audited.py", "test_a_refused_api_call_is_audited"),
        (
            "tests/reliability/test_jobs_inprocess.py",
            "test_submit_runs_in_process_and_records_the_outcome",
        ),
    ],
    "Audit immutability and tamper evidence (CJIS AU-9)": [
        ("tests/platform/test_audit_chain.py", "test_the_database_refuses_update_and_delete"),
        ("tests/platform/test_audit_chain.py", "test_an_altered_entry_is_named"),
        ("tests/platform/test_audit_chain.py", "test_a_deleted_entry_is_named"),
        ("tests/platform/test_audit_chain.py", "test_reordered_entries_are_named"),
    ],
    "Tip sentinel: no IP, headers or identity of a tipster stored anywhere": [
        (
            "tests/community/test_tip_anonymity.py",
            "test_the_sentinel_never_reaches_the_database_logs_cache_or_files",
        ),
        (
            "tests/community/test_tip_anonymity.py",
            "test_unknown_tip_and_wrong_passphrase_get_the_same_answer",
        ),
    ],
    "Evidence fixity (CJIS SI-7)": [
        (
            "tests/evidence/test_fixity.py",
            "test_flipping_one_byte_of_a_stored_file_fails_verify_naming_the_item",
        ),
        (
            "tests/evidence/test_fixity.py",
            "test_the_database_refuses_to_change_or_delete_custody_entries",
        ),
        ("tests/reliability/test_jobs_inprocess.py", "test_evidence_jobs_run_on_an_empty_store"),
    ],
    "Security headers, CSP, cookies": [
        ("tests/platform/test_front_door.py", "test_the_csp_allows_no_third_party_origin"),
        (
            "tests/platform/test_front_door.py",
            "test_session_and_csrf_cookies_are_httponly_and_samesite",
        ),
    ],
    "Hostile input: importers, parsers, API fuzzing, upload corpus": [
        ("tests/security/test_hostile_files.py", "test_records_importers_refuse_or_quarantine"),
        ("tests/security/test_api_fuzz.py", "test_no_server_error_as_staff"),
        ("tests/security/test_api_fuzz.py", "test_no_server_error_anonymously"),
        ("tests/security/test_upload_corpus.py", "test_importer_refuses_the_corpus_in_one_line"),
        (
            "tests/evidence/test_uploads.py",
            "test_bad_files_are_refused_with_a_clear_error_and_nothing_stored",
        ),
    ],
    "Operations: health, metrics deny-by-default, backup round trip": [
        ("tests/reliability/test_ops.py", "test_metrics_denied_by_default"),
        (
            "tests/reliability/test_backup_restore.py",
            "test_round_trip_reproduces_counts_and_hashes",
        ),
    ],
}


def node_ids() -> list[str]:
    return [f"{path}::{name}" for items in CHECKLIST.values() for path, name in items]


if __name__ == "__main__":
    print(" ".join(sorted({path for items in CHECKLIST.values() for path, _ in items})))
