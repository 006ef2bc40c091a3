from django.apps import AppConfig


class MembersConfig(AppConfig):
    """The member's own space: personal information, beneficiaries, preferences (SPEC M1, M2, M12, G1)."""

    name = "members"
    verbose_name = "Member space"

    def ready(self) -> None:
        from members import request_kinds

        request_kinds.register_all()
