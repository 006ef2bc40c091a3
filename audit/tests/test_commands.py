"""The scheduler's view of the trail: ``audit_anchor`` and ``verify_audit`` with their exit statuses."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from audit.services import record
from audit.tests import tampering

pytestmark = pytest.mark.django_db


def run(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_verify_audit_reports_an_intact_trail(trail):
    assert run("verify_audit").strip() == "Audit trail intact: 5 events"


def test_verify_audit_accepts_an_empty_trail():
    assert run("verify_audit").strip() == "Audit trail intact: 0 events"


def test_verify_audit_names_a_modified_event_and_fails(trail, superuser):
    tampering.set_data(2, {"n": 20})
    with pytest.raises(CommandError, match=r"^Audit trail broken at event 2: hash mismatch \(row modified\)$") as error:
        run("verify_audit")
    assert error.value.returncode == 1


def test_verify_audit_names_a_deleted_event(trail, superuser):
    tampering.delete_event(4)
    with pytest.raises(CommandError, match=r"at event 5: missing event\(s\) before 5 \(deleted\)"):
        run("verify_audit")


def test_verify_audit_catches_a_truncated_tail_through_the_anchor(trail, superuser):
    run("audit_anchor")
    tampering.delete_event(5)
    tampering.move_head(trail[3])
    with pytest.raises(CommandError, match=r"at event 5: anchor written at \S+ no longer matches event 5"):
        run("verify_audit")


@pytest.mark.django_db(transaction=True)
def test_verify_audit_exit_status_from_the_command_line(settings, capsys):
    record(actor=None, action="contract.created")
    execute_from_command_line(["manage.py", "verify_audit", "--skip-checks"])
    assert "Audit trail intact: 1 events" in capsys.readouterr().out
    settings.AUDIT_HEAD_FILE.write_text("not an anchor\n")
    with pytest.raises(SystemExit) as exit_status:
        execute_from_command_line(["manage.py", "verify_audit", "--skip-checks"])
    assert exit_status.value.code == 1
    assert "Audit trail broken: line 1 of the anchor file is unreadable" in capsys.readouterr().err


def test_audit_anchor_writes_once_per_new_head(trail, settings, tmp_path):
    settings.AUDIT_HEAD_FILE = tmp_path / "new" / "audit-head.log"
    assert run("audit_anchor").startswith("Anchored event 5 in ")
    assert run("audit_anchor").strip() == "Nothing new to anchor."
    record(actor=None, action="contract.created")
    assert run("audit_anchor").startswith("Anchored event 6 in ")
    assert len(settings.AUDIT_HEAD_FILE.read_text().splitlines()) == 2
    assert run("verify_audit").strip() == "Audit trail intact: 6 events"
