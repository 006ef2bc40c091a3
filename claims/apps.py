from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    """Online reimbursement claims: the member's form, tracking and the back office's adjudication (SPEC C1-C8, B3)."""

    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from claims import uploads

        uploads.register_heif()
