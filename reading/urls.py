"""Bills read to pre-fill the claim form, mounted under /space/bills/."""

from django.urls import path

from reading import views

app_name = "reading"

urlpatterns = [
    path("", views.start, name="start"),
    path("<uuid:public_id>/", views.detail, name="detail"),
]
