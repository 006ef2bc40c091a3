"""How privacy reaches the domains (DESIGN.md): each app registers an export/erase hook in ``<app>/privacy_hooks.py``.

A hook answers four questions about one data subject (a login and, for a member, the insured person):

- ``export(subject)``: what the app holds about them, as plain JSON-ready data (one section of the export);
- ``erase(subject, *, full)``: remove what may be removed and say what was kept and why. ``full`` is False while a
  contractual relation still needs the data (an erasure request of a member in force): then only what the
  relation does not need goes;
- ``open_matters(person)``: anything still being processed (an open claim, request…) that forbids anonymising now;
- ``audit_targets(subject)``: the (target type, target id) pairs under which the audit trail names their records;
- ``relation_end(person)``: the last day a contractual relation covers them (``date.max`` while one is open, None
  when there was none): the start of the retention period (SPEC G3).

The privacy app imports every installed app's ``privacy_hooks`` module once (``discover``); registering twice under
one name replaces the entry, so a reload is harmless. Hooks run in the caller's transaction and record nothing in
the audit trail themselves: the privacy service records one event with their counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module
from typing import Any

from django.apps import apps


@dataclass
class Subject:
    """Whom a request or the retention job is about: a login (may be None) and the insured person (may be None)."""

    user: Any = None
    person: Any = None

    @property
    def people_ids(self) -> list[int]:
        return [self.person.pk] if self.person is not None else []


@dataclass
class Kept:
    """Something not erased: a code of ``privacy.legal.KEPT`` (what it is and the legal reason, translated there, so
    the domain apps carry no privacy wording)."""

    code: str


@dataclass
class ErasureOutcome:
    """What one hook did: counts per code of ``privacy.legal.ERASED``, what was kept, and the stored files to delete
    once the transaction has committed."""

    erased: dict[str, int] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)
    files_to_delete: list[str] = field(default_factory=list)

    def add(self, label: str, count: int) -> None:
        if count:
            self.erased[label] = self.erased.get(label, 0) + count


@dataclass(frozen=True)
class PrivacyHook:
    name: str
    export: Callable[[Subject], Any]
    erase: Callable[..., ErasureOutcome] | None = None
    open_matters: Callable[[Any], list[str]] | None = None
    audit_targets: Callable[[Subject], list[tuple[str, str]]] | None = None
    relation_end: Callable[[Any], date | None] | None = None
    order: int = 100


_HOOKS: dict[str, PrivacyHook] = {}


def register(hook: PrivacyHook) -> PrivacyHook:
    _HOOKS[hook.name] = hook
    return hook


def discover() -> None:
    """Import ``<app>.privacy_hooks`` of every installed app (each registers itself on import)."""
    for config in apps.get_app_configs():
        name = f"{config.name}.privacy_hooks"
        try:
            import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def all_hooks() -> list[PrivacyHook]:
    if not _HOOKS:
        discover()
    return sorted(_HOOKS.values(), key=lambda hook: (hook.order, hook.name))
