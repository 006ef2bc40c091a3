import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["core:home", "core:terms", "core:legal_notices", "core:privacy"])
def test_public_pages_render_with_legal_links(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    for link in (reverse("core:terms"), reverse("core:legal_notices"), reverse("core:privacy")):
        assert f'href="{link}"' in body
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "core/home" not in response.content.decode()


TOKEN = "t" * 40


def details(client, token=TOKEN, **extra):
    return client.get(reverse("core:healthz_details"), HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def test_public_healthz_says_ok_and_nothing_more(client, settings, tmp_path, django_assert_num_queries):
    settings.MEDIA_ROOT = tmp_path
    with django_assert_num_queries(0):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 200 and response.content == b"ok"
    assert list(tmp_path.rglob("*")) == [], "no file written per call"


def test_detailed_health_does_not_exist_without_a_configured_token(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert details(client, token="").status_code == 404
    assert client.get(reverse("core:healthz_details")).status_code == 404


def test_detailed_health_needs_the_token(client, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    assert client.get(reverse("core:healthz_details")).status_code == 404
    assert details(client, token="x" * 40).status_code == 404
    response = details(client)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) >= {
        "database",
        "storage",
        "task_queue",
        "task_workers",
        "task_backlog",
        "task_dead_letters",
    }
    assert all(check["ok"] for check in data["checks"].values())


def test_detailed_health_is_throttled_per_address(client, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    from core.health import HEALTHZ_PER_MINUTE

    statuses = {details(client, token="guess").status_code for _ in range(HEALTHZ_PER_MINUTE)}
    assert statuses == {404}
    assert details(client).status_code == 429


def test_terms_page_shows_the_version_in_force(client):
    from content.services import terms_publish

    terms_publish(
        actor=None, version="2026.9", title_fr="CGU", title_en="Terms v9", body_fr="Texte", body_en="Body nine"
    )
    body = client.get(reverse("core:terms")).content.decode()
    assert "Terms v9" in body and "Body nine" in body and "2026.9" in body


def test_healthz_counts_waiting_tasks_with_the_database_backend(client, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # django-tasks rebuilds its backends when TASKS changes (setting_changed)
    detail = details(client).json()["checks"]["task_queue"]["detail"]
    assert detail.startswith("DatabaseBackend") and "waiting" in detail
