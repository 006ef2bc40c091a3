from django.urls import path

from demarches import views

app_name = "demarches"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("new/<slug:kind_code>/", views.request_submit, name="submit"),
    path("<uuid:public_id>/", views.request_detail, name="detail"),
    path("<uuid:public_id>/reply/", views.request_reply, name="reply"),
    path("<uuid:public_id>/attachments/<uuid:attachment_id>/", views.attachment_download, name="attachment"),
]
