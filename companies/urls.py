"""Companies: pages of the company and agent spaces, mounted at /space/company/ (SPEC E1-E8)."""

from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("", views.home, name="home"),
    path("information/", views.information, name="information"),
    path("information/change/", views.information_change, name="information_change"),
    path("clients/<uuid:public_id>/", views.client_detail, name="client_detail"),
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<uuid:public_id>/", views.contract_detail, name="contract_detail"),
    path("contracts/<uuid:public_id>/requests/<slug:kind_code>/", views.contract_request, name="contract_request"),
    path("employees/", views.employee_list, name="employee_list"),
    path("employees/export.csv", views.employee_export, name="employee_export"),
    path("employees/new/", views.employee_affiliate_page, name="employee_affiliate"),
    path("employees/import/", views.employee_import, name="employee_import"),
    path("employees/import/model.csv", views.employee_import_template, name="employee_import_template"),
    path("employees/<uuid:public_id>/", views.employee_detail, name="employee_detail"),
    path("employees/<uuid:public_id>/certificate/", views.employee_certificate, name="employee_certificate"),
    path("employees/<uuid:public_id>/end/", views.employee_end, name="employee_end"),
    path("employees/<uuid:public_id>/requests/<slug:kind_code>/", views.employee_request, name="employee_request"),
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/library/<uuid:public_id>/", views.library_file, name="library_file"),
]
