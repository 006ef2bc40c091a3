from django.conf import settings
from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/details", views.healthz_details, name="healthz_details"),
    path("terms/", views.legal_page, {"page": "terms"}, name="terms"),
    path("legal-notices/", views.legal_page, {"page": "legal_notices"}, name="legal_notices"),
    path("privacy/", views.legal_page, {"page": "privacy"}, name="privacy"),
    path("accessibility/", views.legal_page, {"page": "accessibility"}, name="accessibility"),
]

if settings.BENCH_MODE:  # benchmarks/load.py's yardstick; absent from every real deployment
    from core.bench import floor

    urlpatterns.append(path("bench/floor/", floor, name="bench_floor"))
