"""Every operation of the API that receives files says how in the OpenAPI document (SPEC X5): ``multipart/form-data``
alone, one binary part per file field, and its other fields described, so that a developer reading /api/docs can send
documents without reading our code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from api.routers.claims import ItemIn
from claims import conf

pytestmark = pytest.mark.django_db

MULTIPART = "multipart/form-data"


def _reads_files(function: ast.FunctionDef) -> bool:
    """An ``UploadedFile`` parameter or a read of ``request.FILES``."""
    return any(
        (isinstance(node, ast.Attribute) and node.attr == "FILES")
        or (isinstance(node, ast.Name) and node.id == "UploadedFile")
        for node in ast.walk(function)
    )


def _is_write_operation(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in {"post", "put", "patch"}
        for decorator in function.decorator_list
    )


def upload_operations() -> set[str]:
    """The view functions (operation ids) of the API that take files, found in the code rather than in the document:
    they read files themselves or call a helper of their module that does."""
    base = Path(settings.BASE_DIR)
    found = set()
    for path in [*base.glob("api/routers/*.py"), *base.glob("*/api.py")]:
        functions = [node for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.FunctionDef)]
        readers = {function.name for function in functions if _reads_files(function)}
        for function in filter(_is_write_operation, functions):
            called = {
                node.func.id
                for node in ast.walk(function)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            }
            if function.name in readers or called & readers:
                found.add(function.name)
    return found


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict) -> dict[str, dict]:
    return {operation["operationId"]: operation for item in document["paths"].values() for operation in item.values()}


def binary_parts(schema: dict) -> set[str]:
    """The properties whose value is a file (``format: binary``), alone or as a list of files (possibly nullable)."""

    def binary(node: dict) -> bool:
        inner = [node["items"]] if "items" in node else node.get("anyOf", [])
        return node.get("format") == "binary" or any(binary(each) for each in inner)

    return {name for name, node in schema["properties"].items() if binary(node)}


def test_the_code_has_the_upload_operations_this_test_expects():
    assert {"claim_create", "claim_item_documents_add", "request_create", "request_reply"} <= upload_operations()


def test_every_upload_operation_is_multipart_with_its_binary_parts_and_described_fields(document):
    found = operations(document)
    for operation_id in sorted(upload_operations()):
        body = found[operation_id]["requestBody"]
        assert set(body["content"]) == {MULTIPART}, f"{operation_id}: {sorted(body['content'])}"
        schema = body["content"][MULTIPART]["schema"]
        assert binary_parts(schema), f"{operation_id} declares no file part"
        for name, node in schema["properties"].items():
            assert node.get("type") or node.get("anyOf"), f"{operation_id}.{name} has no type"
        for name in set(schema["properties"]) - binary_parts(schema):
            assert schema["properties"][name].get("description"), f"{operation_id}.{name} is not described"


def test_the_claim_body_names_every_document_part_and_the_items_fields(document):
    body = operations(document)["claim_create"]["requestBody"]["content"][MULTIPART]
    schema = body["schema"]
    items, documents = conf.get("CLAIM_MAX_ITEMS"), conf.get("CLAIM_MAX_DOCUMENTS_PER_ITEM")
    expected = {f"item{n}_doc{m}" for n in range(1, items + 1) for m in range(1, documents + 1)}
    assert binary_parts(schema) == expected
    assert {"beneficiary", "items", "accept_terms", "terms_version"} <= set(schema["properties"])
    assert {"beneficiary", "items", "item1_doc1"} <= set(schema["required"])
    items_field = schema["properties"]["items"]
    assert items_field["contentMediaType"] == "application/json" and body["encoding"]["items"]["contentType"] == (
        "application/json"
    )
    item = items_field["contentSchema"]["items"]
    assert set(item["properties"]) == set(ItemIn.model_fields) and items_field["contentSchema"]["maxItems"] == items
    assert set(item["required"]) == {"care_date", "category", "practitioner", "country", "amount"}
