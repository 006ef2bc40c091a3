"""Help pages, mounted at /help/ (SPEC M7)."""

from django.urls import path

from content import views

app_name = "help"

urlpatterns = [
    path("", views.help_index, name="index"),
    path("faq/", views.faq, name="faq"),
    path("contact/", views.contact, name="contact"),
]
