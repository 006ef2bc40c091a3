from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("", views.start, name="start"),
    path("received/", views.received, name="received"),
    path("<slug:kind>/", views.register, name="form"),
]
