from django.urls import path

from twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("2fa/", views.manage, name="manage"),
    path("2fa/setup/", views.setup, name="setup"),
    path("2fa/verify/", views.verify, name="verify"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("2fa/recovery-codes/download/", views.recovery_codes_download, name="recovery_codes_download"),
    path("2fa/recovery-codes/new/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path("2fa/disable/", views.disable, name="disable"),
    path("2fa/invitation/", views.invitation_accept, name="invitation_accept"),
    path("2fa/invitation/needed/", views.invitation_needed, name="invitation_needed"),
    path("2fa/invitation/<str:secret>/", views.invitation, name="invitation"),
]
