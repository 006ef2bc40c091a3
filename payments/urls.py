"""Card payments, mounted under /pay/: the portal's return page and notification endpoint, and the sandbox
provider's hosted page on its own URLs."""

from django.urls import path

from payments import sandbox_views, views

app_name = "payments"

urlpatterns = [
    path("<uuid:public_id>/return/", views.payment_return, name="return"),
    path("notify/", views.notify, name="notify"),
    path("sandbox/checkout/<str:token>/", sandbox_views.checkout, name="sandbox_checkout"),
]
