"""The scheduler's view of the trail: ``audit_anchor`` and ``verify_audit`` with their exit statuses."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from audit import anchors
from audit.services import record
from audit.tests import tampering

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_verify_audit_reports_an_intact_trail(trail):
    assert run("verify_audit").strip() == "Audit trail intact: 5 events"


def test_verify_audit_accepts_an_empty_trail():
    assert run("verify_audit").strip() == "Audit trail intact: 0 events"


def test_verify_audit_names_a_modified_event_and_fails(trail):
    tampering.set_data(trail[1].id, {"n": 20})
    expected = rf"^Audit trail broken at event {trail[1].id}: hash mismatch \(row modified\)$"
    with pytest.raises(CommandError, match=expected) as error:
        run("verify_audit")
    assert error.value.returncode == 1


def test_verify_audit_names_a_deleted_event(trail):
    tampering.delete_sealed(trail[3].id)
    last = trail[4].id
    with pytest.raises(CommandError, match=rf"at event {last}: missing event\(s\) before {last} \(deleted\)"):
        run("verify_audit")


def test_verify_audit_catches_a_truncated_tail_through_the_anchor(trail):
    run("audit_anchor")
    tampering.delete_sealed(trail[4].id)
    last = trail[4].id
    with pytest.raises(CommandError, match=rf"at event {last}: anchor written at \S+ no longer matches event {last}"):
        run("verify_audit")


def test_verify_audit_from_the_checkpoint_walks_only_what_came_after(trail):
    run("verify_audit")
    record(actor=None, action="contract.created")
    assert run("verify_audit", "--from-checkpoint").strip() == "Audit trail intact: 1 events"


def test_audit_seal_seals_once_and_reports_the_count(trail):
    record(actor=None, action="contract.created")
    assert run("audit_seal").strip() == "Sealed 1 events."
    assert run("audit_seal").strip() == "Sealed 0 events."


@pytest.mark.django_db(transaction=True)
def test_verify_audit_exit_status_from_the_command_line(settings, capsys):
    record(actor=None, action="contract.created")
    execute_from_command_line(["manage.py", "verify_audit", "--skip-checks"])
    assert "Audit trail intact: 1 events" in capsys.readouterr().out
    anchors.signing_key()  # the key exists; the anchor does not parse
    settings.AUDIT_ANCHOR_DIR.mkdir()
    (settings.AUDIT_ANCHOR_DIR / "anchor-1.json").write_text("not an anchor\n")
    with pytest.raises(SystemExit) as exit_status:
        execute_from_command_line(["manage.py", "verify_audit", "--skip-checks"])
    assert exit_status.value.code == 1
    assert "Audit trail broken: anchor anchor-1.json: unreadable" in capsys.readouterr().err


def test_audit_anchor_writes_once_per_new_head(trail, settings, tmp_path):
    settings.AUDIT_ANCHOR_DIR = tmp_path / "new" / "anchors"
    assert run("audit_anchor").strip() == f"Anchored event {trail[4].id}."
    assert run("audit_anchor").strip() == "Nothing new to anchor."
    event = record(actor=None, action="contract.created")
    assert run("audit_anchor").strip() == f"Anchored event {event.id}."
    assert len(list(settings.AUDIT_ANCHOR_DIR.iterdir())) == 2
    assert run("verify_audit").strip() == "Audit trail intact: 6 events"


def test_audit_anchor_creates_the_key_and_prints_its_public_half(settings):
    public = run("audit_anchor", "--create-key").strip()
    settings.AUDIT_ANCHOR_PUBLIC_KEY = public
    assert anchors.public_key_text(anchors.signing_key()) == public
    assert run("audit_anchor", "--create-key").strip() == public  # never replaced


def test_verify_audit_fails_on_an_emptied_trail_after_an_anchor(trail):
    run("audit_anchor")
    tampering.truncate()
    with pytest.raises(
        CommandError, match=rf"at event {trail[4].id}: anchor written at \S+ no longer matches"
    ) as error:
        run("verify_audit")
    assert error.value.returncode == 1


def test_verify_audit_fails_below_the_minimum_of_events(trail):
    assert run("verify_audit", "--min-events", "5").strip() == "Audit trail intact: 5 events"
    with pytest.raises(CommandError, match=r"broken: 5 sealed events where at least 6 are expected"):
        run("verify_audit", "--min-events", "6")


def test_verify_audit_fails_on_an_empty_trail_with_a_minimum():
    with pytest.raises(CommandError, match=r"0 sealed events where at least 1 are expected"):
        run("verify_audit", "--min-events", "1")


def test_a_rewrite_with_recomputed_hashes_is_caught_by_the_anchor(trail):
    """A superuser lifts the triggers, changes an event and reseals from there: every hash is valid again, only
    the signed anchor written before still names the old head."""
    run("audit_anchor")
    tampering.set_data(trail[2].id, {"n": 30})
    tampering.reseal_from(trail[2].id)
    with pytest.raises(CommandError, match=rf"at event {trail[4].id}: anchor written at \S+ no longer matches"):
        run("verify_audit")


def _one_pass(**kwargs):
    from audit.chain import seal

    yield seal(wait=30)


def test_the_sealer_loop_writes_a_signed_anchor_when_due(trail, settings, monkeypatch):
    monkeypatch.setattr("audit.management.commands.audit_seal.seal_forever", _one_pass)
    record(actor=None, action="contract.created")
    settings.AUDIT_ANCHOR_EVERY = 1
    run("audit_seal", "--loop")
    assert anchors.latest().events == 6


def test_the_sealer_loop_without_a_key_in_production_seals_and_says_so(trail, settings, monkeypatch):
    monkeypatch.setattr("audit.management.commands.audit_seal.seal_forever", _one_pass)
    record(actor=None, action="contract.created")
    settings.PRODUCTION = True
    err = StringIO()
    call_command("audit_seal", "--loop", stdout=StringIO(), stderr=err)
    assert "No signed anchor written: AUDIT_ANCHOR_KEY_FILE" in err.getvalue()
    assert anchors.names() == []
