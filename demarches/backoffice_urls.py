from django.urls import path

from demarches import backoffice_views as views

app_name = "demarches_backoffice"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/assign/", views.assign, name="assign"),
    path("<uuid:public_id>/ask-return/", views.ask_return, name="ask_return"),
    path("<uuid:public_id>/resume/", views.resume, name="resume"),
    path("<uuid:public_id>/validate/", views.validate, name="validate"),
    path("<uuid:public_id>/reject/", views.reject, name="reject"),
    path("<uuid:public_id>/messages/", views.post_message, name="message"),
    path("<uuid:public_id>/attachments/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
]
