from django.conf import settings
from django.http import HttpRequest


def insurer(request: HttpRequest) -> dict[str, object]:
    """The insurer's identity, shown in the footer, emails and PDFs."""
    return {"insurer": settings.INSURER}
