"""Background work in the back office, mounted under /backoffice/tasks/."""

from django.urls import path

from jobs import backoffice_views as views

app_name = "jobs"

urlpatterns = [
    path("", views.panel, name="panel"),
    path("<str:task_id>/rerun/", views.rerun, name="rerun"),
]
