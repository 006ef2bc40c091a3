"""Document answers (issue 16): attachment, nosniff and a sandboxing CSP on every download.

The downloads that name an object (claims and request documents, message attachments, identity documents, contract
and contribution PDFs, library documents, personal-data copies…) are checked by the access matrix for their owner
(``assert_protected_if_download`` in ``test_access_matrix``); those that name none are checked here, with the
documents sent through the upload paths and read back by their owner and by staff.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.testing.documents import pdf_bytes
from demarches.models import RequestAttachment
from professionals.models import ContactMessage
from tests.security.downloads import assert_protected, is_download
from tests.security.upload_paths import ProfessionalMessagePath, RequestsPath, _client

pytestmark = pytest.mark.django_db


def _staff(role):
    from django.test import Client

    from accounts.tests import factories as f
    from twofactor.tests.helpers import login_verified

    client = Client()
    login_verified(client, f.staff(role).user)
    return client


def test_company_csv_downloads_are_protected():
    from companies.tests.conftest import employer

    client = _client(employer("Acme Industrie", employees=1).profile.user)
    for name in ("companies:employee_export", "companies:employee_import_template"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and is_download(response)
        assert_protected(response)


def test_a_request_document_downloads_protected_for_the_member_and_staff():
    from accounts.choices import StaffRole

    path = RequestsPath()
    path.setup()
    assert path.send("certificat.pdf", pdf_bytes()).status == 302
    attachment = RequestAttachment.objects.get()
    request = attachment.request
    member = path.client.get(reverse("demarches:attachment", args=[request.public_id, attachment.public_id]))
    assert_protected(member)
    staff = _staff(StaffRole.REQUESTS).get(
        reverse("demarches_backoffice:attachment", args=[request.public_id, attachment.public_id])
    )
    assert_protected(staff)


def test_a_message_attachment_downloads_protected_for_the_professional_and_staff():
    from accounts.choices import StaffRole

    path = ProfessionalMessagePath()
    path.setup()
    assert path.send("feuille.pdf", pdf_bytes()).status == 302
    message = ContactMessage.objects.get()
    assert_protected(path.client.get(reverse("professionals:message_attachment", args=[message.public_id])))
    staff = _staff(StaffRole.REQUESTS)
    assert_protected(staff.get(reverse("professionals_backoffice:message_attachment", args=[message.public_id])))
