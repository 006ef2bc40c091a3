"""The back office's claims pages, mounted under /backoffice/claims/ (SPEC C6, C7, B3)."""

from django.urls import path

from claims import backoffice_views as views

app_name = "claims_backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("rates/", views.rates, name="rates"),
    path("suspensions/", views.suspensions, name="suspensions"),
    path("suspensions/<uuid:public_id>/restore/", views.restore, name="restore"),
    path("documents/<uuid:public_id>/", views.document, name="document"),
    path("<uuid:public_id>/", views.review, name="review"),
    path("<uuid:public_id>/assess/", views.assess, name="assess"),
    path("<uuid:public_id>/decide/", views.decide, name="decide"),
    path("<uuid:public_id>/reject/", views.reject, name="reject"),
    path("<uuid:public_id>/originals/", views.originals, name="originals"),
    path("<uuid:public_id>/suspend/", views.suspend, name="suspend"),
]
