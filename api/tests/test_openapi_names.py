"""The OpenAPI document names each schema once: two classes of one name would share one component, and the
endpoints of one of them would be documented with the other's fields (a professional's rights-check row once
documented the member's beneficiaries; issue 16, schemathesis)."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from ninja import Schema

import api.routers


def test_no_two_api_schemas_share_a_name():
    seen: dict[str, set[str]] = defaultdict(set)
    modules = [importlib.import_module("api.schemas")] + [
        importlib.import_module(f"api.routers.{info.name}") for info in pkgutil.iter_modules(api.routers.__path__)
    ]
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema) and value.__module__ == module.__name__:
                seen[value.__name__].add(module.__name__)
    assert not {name: where for name, where in seen.items() if len(where) > 1}


def test_every_422_lists_its_field_errors_as_documented():
    """A 422 raised by hand (a form rule, a profile the API refuses) has the ``errors`` list ValidationErrorOut
    documents, like pydantic's."""
    import json

    from api.errors import ErrorCode, error_response

    body = json.loads(error_response(422, ErrorCode.INVALID, field="iban", message="Not an IBAN.").content)
    assert body["errors"] == [{"field": "iban", "code": "invalid", "message": "Not an IBAN."}]
