from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.menu import navigation_for


def insurer(request: HttpRequest) -> dict[str, object]:
    """The insurer's identity, shown in the footer, emails and PDFs."""
    return {"insurer": settings.INSURER}


def navigation(request: HttpRequest) -> dict[str, object]:
    """The header menu and breadcrumb of a logged-in profile's pages, built only if the page shows them."""
    profile = getattr(request, "profile", None)
    if profile is None:
        return {}
    return {"navigation": SimpleLazyObject(lambda: navigation_for(profile, request.path))}
