"""The member's claims, mounted under /space/claims/ (SPEC C1-C5)."""

from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.new, name="new"),
    path("new/items/", views.items, name="items"),
    path("new/items/<slug:key>/documents/", views.item_documents, name="item_documents"),
    path("new/items/<slug:key>/remove/", views.item_remove, name="item_remove"),
    path("new/documents/<uuid:public_id>/remove/", views.draft_document_remove, name="draft_document_remove"),
    path("new/summary/", views.summary, name="summary"),
    path("new/submit/", views.submit, name="submit"),
    path("new/discard/", views.discard, name="discard"),
    path("terms/", views.terms, name="terms"),
    path("documents/<uuid:public_id>/", views.document, name="document"),
    path("<uuid:public_id>/", views.claim_detail, name="detail"),
    path("<uuid:public_id>/items/<uuid:item_id>/documents/", views.claim_item_documents, name="claim_item_documents"),
]
