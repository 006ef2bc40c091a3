"""The content back office, mounted at /backoffice/content/ (SPEC B5)."""

from django.urls import path

from content import backoffice_views as views

app_name = "content_backoffice"

urlpatterns = [
    path("", views.index, name="index"),
    path("faq/", views.faq_list, name="faq_list"),
    path("faq/new/", views.faq_create, name="faq_create"),
    path("faq/<uuid:public_id>/", views.faq_edit, name="faq_edit"),
    path("faq/<uuid:public_id>/delete/", views.faq_delete, name="faq_delete"),
    path("library/", views.library_list, name="library_list"),
    path("library/new/", views.library_create, name="library_create"),
    path("library/<uuid:public_id>/", views.library_edit, name="library_edit"),
    path("library/<uuid:public_id>/file/", views.library_file, name="library_file"),
    path("library/<uuid:public_id>/publish/", views.library_publish, {"published": True}, name="library_publish"),
    path("library/<uuid:public_id>/unpublish/", views.library_publish, {"published": False}, name="library_unpublish"),
    path("zones/", views.zone_list, name="zone_list"),
    path("zones/<str:code>/", views.zone_edit, name="zone_edit"),
    path("terms/", views.terms, name="terms"),
    path("maintenance/", views.maintenance, name="maintenance"),
    path("maintenance/<int:pk>/close/", views.maintenance_close, name="maintenance_close"),
]
