from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    """Account requests from the public and from users: registration (A1, A2) and closure (A9)."""

    name = "registration"
