"""The OpenMutuelle REST API (SPEC X5): /api/, OpenAPI at /api/openapi.json, documentation at /api/docs.

Thin over the domains: each endpoint parses, calls one selector or service, and returns an
explicit schema. Authentication by personal bearer token or by the web session (with CSRF);
rate limits per login and per address (SPEC X9); every error is JSON {code, message, field}.
"""

from __future__ import annotations

from django.urls import path, re_path
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from api.auth import ANY_AUTH
from api.docs import Docs, docs_asset
from api.errors import install_handlers, json_errors, unknown_path
from api.routers import auth, contracts, me, tokens
from api.schemas import fold_form_into_multipart
from api.throttling import AddressThrottle, UserThrottle

DESCRIPTION = """
The API of the OpenMutuelle online areas, for the mobile app and HR-system integrations.

**Authentication.** Create a personal token on the website (*My space → API access tokens*) or with
`POST /api/auth/token`, then send `Authorization: Bearer om_…`. A token acts in the profile that was
active when it was made and sees exactly what that profile sees on the website. From a browser, the
session cookie works too; unsafe methods then need the `X-CSRFToken` header.

**Errors** are always `{"code": …, "message": …, "field": …}`. An object that does not exist and one the
caller may not see both answer `404 not_found`. Too many requests answer `429 throttled`.
"""


class OpenMutuelleAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs) -> OpenAPISchema:
        """Ninja's document, with the operations that read files of their own described as multipart only."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                fold_form_into_multipart(operation.get("requestBody", {}))
        return schema

    def _get_urls(self) -> list:
        """Ninja's URLs, made to answer 404 and 405 in JSON, plus the docs' assets and a JSON 404 for the rest."""
        patterns = super()._get_urls()
        for pattern in patterns:
            pattern.callback = json_errors(pattern.callback)
        return [
            *patterns,
            path("docs/assets/<str:name>", json_errors(docs_asset), name="docs-asset"),
            re_path(r"^.*$", unknown_path),
        ]


api = OpenMutuelleAPI(
    title="OpenMutuelle API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=ANY_AUTH,
    throttle=[UserThrottle(), AddressThrottle()],
    docs=Docs(),
)
install_handlers(api)
api.add_router("/auth", auth.router)
api.add_router("/tokens", tokens.router)
api.add_router("", me.router)
api.add_router("/contracts", contracts.router)
api.add_router("", "api.routers.claims.router")
api.add_router("", "api.routers.bills.router")
api.add_router("", "api.routers.contracts_documents.router")
api.add_router("/me", "api.routers.members.router")
api.add_router("/me", "api.routers.home.router")
api.add_router("", "api.routers.demarches.router")
api.add_router("", "api.routers.benefits.router")
api.add_router("", "api.routers.payments.router")
api.add_router("", "api.routers.contributions.router")
api.add_router("", "api.routers.companies.router")
api.add_router("", "api.routers.professionals.router")
api.add_router("", "api.routers.privacy.router")
api.add_router("", "api.routers.ledger.router")  # issue 13: reimbursement feed, ceilings, scheme flows
api.add_router("", "api.routers.estimates.router")  # issue 14: the estimate before care
