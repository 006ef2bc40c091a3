from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list_page, name="list"),
    path("<uuid:public_id>/", views.contract_detail, name="detail"),
    path(
        "<uuid:public_id>/certificates/<uuid:affiliation_id>/",
        views.certificate_download,
        name="certificate",
    ),
    path(
        "<uuid:public_id>/guarantee-description/",
        views.guarantee_description_download,
        name="guarantee_description",
    ),
    path("<uuid:public_id>/general-conditions/", views.general_conditions_download, name="general_conditions"),
]
