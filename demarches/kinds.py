"""The registry of request kinds (the contract between the request engine and the domains).

A kind says who may submit it, which form validates its fields, which attachments it
needs, and — for a typed change — how a validated request is applied to the records.
The engine (``demarches``) knows no domain; each domain app registers its kinds in its
``AppConfig.ready()`` with ``register(RequestKind(...))``.

A kind may also take a structured answer from staff (``answer_form``: the amounts of a quote…): its cleaned data is
kept on the request when staff validate it (``Request.answer``) and shown to the author with the form's labels;
``answer_initial(request)`` may suggest its first values to staff (a computation the domain makes).

The applier is called by ``demarches.services.request_validate`` inside the validating
transaction: ``apply(request=<demarches.models.Request>, actor=<staff User>)``. It changes
the records through the owning domain's services (which audit), and raises
``django.core.exceptions.ValidationError`` to refuse: then nothing is validated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise

Applier = Callable[..., None]


@dataclass(frozen=True)
class RequestKind:
    code: str  # stable identifier stored on requests, e.g. "beneficiary_add"
    label: str | Promise  # shown to users and staff
    form: type[forms.Form]  # validates the kind's own fields; cleaned_data becomes the payload
    profiles: tuple[str, ...]  # profile kinds that may submit it (accounts.choices.ProfileKind values)
    min_attachments: int = 0
    attachment_hint: str | Promise = ""  # which supporting documents to join
    apply: Applier | None = None  # None: validating only records the answer
    description: str | Promise = ""
    order: int = 100
    start_url_name: str = ""  # a page of the owning app that starts this request instead of the generic form
    answer_form: type[forms.Form] | None = None  # staff's answer when validating; its ``comment`` goes to the history
    answer_initial: Callable[..., dict] | None = None  # answer_initial(request) -> the answer form's suggested values
    # answer_check(request, cleaned answer): the answer against the request's own data (ValidationError by field)
    answer_check: Callable[..., None] | None = None


_REGISTRY: dict[str, RequestKind] = {}


def register(kind: RequestKind) -> RequestKind:
    existing = _REGISTRY.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"request kind {kind.code!r} registered twice")
    _REGISTRY[kind.code] = kind
    return kind


def get(code: str) -> RequestKind | None:
    return _REGISTRY.get(code)


def for_profile(profile_kind: str) -> list[RequestKind]:
    return sorted((k for k in _REGISTRY.values() if profile_kind in k.profiles), key=lambda k: (k.order, k.code))


def all_kinds() -> list[RequestKind]:
    return sorted(_REGISTRY.values(), key=lambda k: (k.order, k.code))
