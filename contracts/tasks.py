"""Background work of the contracts domain (run by ``manage.py task_worker``; at once in tests)."""

from __future__ import annotations

import logging

from django.utils import translation
from django.utils.text import get_valid_filename, slugify
from django.utils.translation import gettext
from django_tasks import task

from contracts.choices import AffiliationRole
from contracts.models import Affiliation
from contracts.pdf import certificate_pdf
from core.mail import send_templated_email
from documents.pdf import paris_today

logger = logging.getLogger(__name__)


def _certificate_filename(number: str, language: str) -> str:
    with translation.override(language):
        return f"{slugify(gettext('Insurance certificate'))}-{get_valid_filename(number)}.pdf"


@task()
def email_certificate(affiliation_public_id: str, language: str) -> None:
    """Email a subscriber their insurance certificate as a PDF attachment.

    Takes ids only, so a retried task reads the records as they are now and sends the certificate of now.
    """
    affiliation = Affiliation.objects.select_related("person", "contract__product").get(
        public_id=affiliation_public_id, role=AffiliationRole.SUBSCRIBER
    )
    person, contract = affiliation.person, affiliation.contract
    if not person.email:
        logger.info("Certificate not emailed: affiliation %s has no email address.", affiliation_public_id)
        return
    send_templated_email(
        to=[person.email],
        template="contracts/emails/certificate",
        context={"person": person, "contract": contract, "issued_on": paris_today()},
        language=language,
        attachments=[
            (
                _certificate_filename(contract.number, language),
                certificate_pdf(affiliation=affiliation, language=language),
                "application/pdf",
            )
        ],
    )
