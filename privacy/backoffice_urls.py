"""privacy: back-office pages, mounted under /backoffice/privacy/ (SPEC B6, B7, G4, G5)."""

from django.urls import path

from privacy import backoffice_views as views
from privacy import evidence_views

app_name = "privacy_backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("requests/<uuid:public_id>/", views.detail, name="request"),
    path("requests/<uuid:public_id>/identity-document/", views.identity_document, name="identity_document"),
    path("requests/<uuid:public_id>/identity/", views.identity, name="identity"),
    path("requests/<uuid:public_id>/assign/", views.assign, name="assign"),
    path("requests/<uuid:public_id>/extend/", views.extend, name="extend"),
    path("requests/<uuid:public_id>/refuse/", views.refuse, name="refuse"),
    path("requests/<uuid:public_id>/answer/", views.answer, name="answer"),
    path("accesses/", evidence_views.accesses, name="accesses"),
    path("accesses.csv", evidence_views.accesses_csv, name="accesses_csv"),
    path("evidence/", evidence_views.evidence_search, name="evidence"),
    path("evidence/<int:event_id>/", evidence_views.evidence_event, name="event"),
    path("evidence.csv", evidence_views.evidence_csv, name="evidence_csv"),
    path("evidence.pdf", evidence_views.evidence_pdf, name="evidence_pdf"),
    path("evidence/verify/", evidence_views.verify, name="verify"),
    path("audience/", evidence_views.audience, name="audience"),
]
