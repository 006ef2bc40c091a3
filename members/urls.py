from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.personal, name="personal"),
    path("email/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("bank-account/", views.bank_account, name="bank_account"),
    path("civil-status/", views.civil_status_request, name="civil_status_request"),
    path("reference-salary/", views.reference_salary_request, name="reference_salary_request"),
    path("beneficiaries/", views.beneficiaries, name="beneficiaries"),
    path("beneficiaries/add/", views.beneficiary_add, name="beneficiary_add"),
    path("beneficiaries/<uuid:public_id>/remove/", views.beneficiary_remove, name="beneficiary_remove"),
    path("beneficiaries/death-benefit/<uuid:contract_id>/", views.death_beneficiary, name="death_beneficiary"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
