"""Every upload path of the portal, driven as its users drive it (the web forms, logged in as the right profile).

Each path sets up its actor, sends one file and says whether the answer was a refusal; what was stored is read
back from the test's own document folder (``MEDIA_ROOT`` is per test), decrypted by the storage.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.choices import ProfileKind
from accounts.tests import factories as f


def _client(user) -> Client:
    client = Client()
    client.cookies["om_language"] = "en"
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    return client


def _file(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@dataclass
class Answer:
    status: int
    page: str  # the text of the answer (HTML unescaped)


def _answer(response) -> Answer:
    return Answer(response.status_code, html.unescape(response.content.decode("utf-8", "replace")))


def stored_documents() -> dict[str, bytes]:
    """Every document stored during the test, decrypted (name → bytes)."""
    root = settings.MEDIA_ROOT
    if not root.exists():
        return {}
    found = {}
    for path in root.rglob("*"):
        if path.is_file():
            name = str(path.relative_to(root))
            with default_storage.open(name) as handle:
                found[name] = handle.read()
    return found


class ClaimsPath:
    """A member adds a care item with its supporting document to a claim (SPEC C3)."""

    key = "claims"
    documents = True

    def setup(self):
        from contracts.choices import GuaranteeBasis
        from contracts.models import CareCategory, GuaranteeLine
        from contracts.tests import factories as cf
        from people.tests.factories import dependant, person

        category = CareCategory.objects.update_or_create(
            code="T_GP", defaults={"name_fr": "Généraliste", "name_en": "GP", "claimable_online": True}
        )[0]
        product = cf.product()
        basis = GuaranteeBasis.PERCENT_OF_BASE
        GuaranteeLine.objects.create(product=product, category=category, basis=basis, rate=Decimal(200))
        holder = person()
        contract = cf.individual_contract(holder, product=product)
        principal = contract.affiliations.get()
        cf.dependant_of(principal, dependant(first_name="Léa"))
        client = _client(f.profile(ProfileKind.MEMBER, holder).user)
        client.post(reverse("claims:new"), {"beneficiary": str(principal.public_id)})
        self.client = client

    def send(self, name: str, content: bytes) -> Answer:
        from django.utils import timezone

        data = {
            "care_date": (timezone.localdate() - timezone.timedelta(days=10)).isoformat(),
            "category": "T_GP",
            "practitioner": "Dr Martin",
            "country": "FR",
            "amount": "60.00",
            "currency": "EUR",
            "documents": [_file(name, content)],
        }
        return _answer(self.client.post(reverse("claims:items"), data))


class RequestsPath:
    """A member sends a request (démarche) with a document."""

    key = "requests"
    documents = True

    def setup(self):
        from contracts.tests import factories as cf
        from people.tests.factories import person

        holder = person(first_name="Claire")
        cf.individual_contract(holder)
        self.client = _client(f.profile(ProfileKind.MEMBER, holder).user)

    def send(self, name: str, content: bytes) -> Answer:
        body = {
            "topic": "Question",
            "question": "Voici le document demandé.",
            "contract": "",
            "submission-idempotency_key": "hostile-upload-0001",
            "submission-attachments": [_file(name, content)],
        }
        return _answer(self.client.post(reverse("demarches:submit", args=["information"]), body))


class PrivacyPath:
    """A member exercises a data-protection right and proves who they are with an identity document."""

    key = "privacy"
    documents = True

    def setup(self):
        from privacy.tests import factories as pf

        self.family = pf.family()
        self.client = _client(self.family.profile.user)

    def send(self, name: str, content: bytes) -> Answer:
        data = {
            "kind": "access",
            "method": "document",
            "membership_number": "",
            "iban_last4": "",
            "idempotency_key": "hostile-upload-0001",
            "identity_document": _file(name, content),
        }
        return _answer(self.client.post(reverse("privacy:index"), data))


class ProfessionalMessagePath:
    """A health professional writes to the insurer with an attached document."""

    key = "professional-message"
    documents = True

    def setup(self):
        from professionals.tests import factories as pf

        self.client = _client(pf.pro_profile().user)

    def send(self, name: str, content: bytes) -> Answer:
        data = {
            "subject": "Facture rejetée",
            "body": "Pourquoi ?",
            "idempotency_key": "hostile-upload-0001",
            "attachment": _file(name, content),
        }
        return _answer(self.client.post(reverse("professionals:contact"), data))


class BulkAffiliationPath:
    """A company correspondent imports employees from a CSV file (nothing is stored before the confirmation)."""

    key = "bulk-csv"
    documents = False

    def setup(self):
        from companies.tests.conftest import employer

        self.acme = employer("Acme Industrie", employees=1)
        self.client = _client(self.acme.profile.user)

    def send(self, name: str, content: bytes) -> Answer:
        response = self.client.post(reverse("companies:employee_import"), {"file": _file(name, content, "text/csv")})
        answer = _answer(response)
        answer.confirmable = response.context is not None and response.context.get("confirm") is not None
        return answer


PATHS = [ClaimsPath, RequestsPath, PrivacyPath, ProfessionalMessagePath, BulkAffiliationPath]
