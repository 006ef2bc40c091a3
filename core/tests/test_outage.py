"""Outages are honest (issue 10 item 7): the database down is a 503 with Retry-After, JSON for the API."""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from accounts.middleware import MaintenanceMiddleware
from api.auth import BearerTokenAuth


def _down(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_view_meeting_a_dead_database_answers_the_outage_page(client, monkeypatch):
    monkeypatch.setattr("core.views.render", _down)  # the home page's view fails on the database
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "Service momentanément indisponible" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_middleware_meeting_a_dead_database_answers_503(client, monkeypatch, error):
    def broken(self, request):
        raise error("connection already closed")

    monkeypatch.setattr(MaintenanceMiddleware, "__call__", broken)
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert b"Service temporarily unavailable" in response.content
    api = client.get("/api/me")
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert api.json()["code"] == "service_unavailable"


@pytest.mark.django_db
def test_the_api_answers_json_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr(BearerTokenAuth, "authenticate", _down)
    response = client.get("/api/me", headers={"Authorization": "Bearer x"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == "service_unavailable" and body["message"]


@pytest.mark.django_db
def test_other_errors_stay_server_errors(client, monkeypatch):
    def broken(self, request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(MaintenanceMiddleware, "__call__", broken)
    assert client.get("/").status_code == 500


def test_the_outage_answer_reads_the_unread_upload_first():
    """A claim's photos still being sent when the database is found down: the body is read before the 503, so a
    client writing it reads the answer instead of meeting a closed connection (a broken pipe; benchmarks/faults_db.py
    saw one in 568 claims)."""
    from django.test import RequestFactory

    from core.middleware import service_unavailable

    photo = b"\xff\xd8" + b"x" * (3 * 1024 * 1024)
    request = RequestFactory().post("/api/claims", data=photo, content_type="application/octet-stream")
    assert service_unavailable(request).status_code == 503
    assert request.read() == b""  # nothing left unread on the connection
