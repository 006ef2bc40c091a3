"""The member's benefits and card, mounted under /space/benefits/ (SPEC M9, M10)."""

from django.urls import path

from benefits import views
from ledger import views as ledger_views

app_name = "benefits"

urlpatterns = [
    path("", views.benefits, name="list"),
    path("statements/<int:year>/<int:month>.pdf", views.statement, name="statement"),
    path("card/", views.card, name="card"),
    path("card.pdf", views.card_pdf, name="card_pdf"),
    path("reimbursements/", ledger_views.feed, name="feed"),  # issue 13: every channel in one feed
    path("estimate/", ledger_views.estimate, name="estimate"),  # issue 14: before care
]
