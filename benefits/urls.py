"""The member's benefits and card, mounted under /space/benefits/ (SPEC M9, M10)."""

from django.urls import path

from benefits import views

app_name = "benefits"

urlpatterns = [
    path("", views.benefits, name="list"),
    path("statements/<int:year>/<int:month>.pdf", views.statement, name="statement"),
    path("card/", views.card, name="card"),
    path("card.pdf", views.card_pdf, name="card_pdf"),
]
