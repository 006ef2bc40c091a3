from django.urls import path

from backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("registrations/", views.registration_queue, name="registration_queue"),
    path("registrations/<uuid:public_id>/", views.registration_detail, name="registration_detail"),
    path("registrations/<uuid:public_id>/validate/", views.registration_validate, name="registration_validate"),
    path("registrations/<uuid:public_id>/refuse/", views.registration_refuse, name="registration_refuse"),
    path("letters/", views.letter_queue, name="letter_queue"),
    path("letters/<uuid:public_id>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("letters/<uuid:public_id>/posted/", views.letter_posted, name="letter_posted"),
    path("users/", views.user_search, name="user_search"),
    path("users/<uuid:public_id>/", views.user_detail, name="user_detail"),
    path("users/<uuid:public_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<uuid:public_id>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<uuid:public_id>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<uuid:public_id>/delete/", views.user_delete, name="user_delete"),
    path("users/<uuid:public_id>/invite/", views.user_staff_invite, name="user_staff_invite"),
    path("closures/", views.closure_queue, name="closure_queue"),
    path("closures/<uuid:public_id>/approve/", views.closure_approve, name="closure_approve"),
    path("closures/<uuid:public_id>/refuse/", views.closure_refuse, name="closure_refuse"),
]
