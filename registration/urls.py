from django.urls import path

from registration import views

app_name = "registration"

urlpatterns = [
    path("", views.start, name="start"),
    path("received/", views.received, name="received"),
    path("activate/", views.activate, name="activate"),
    path("<slug:kind>/", views.register, name="form"),
]
