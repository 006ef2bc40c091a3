"""The entries of each profile's home page, declared by the apps that provide them.

An app lists its entries in ``<app>/menu.py`` (``ENTRIES = [Entry(...)]``); the dashboard
shows the ones for the active profile, so a feature not built yet has no dead link and no
app edits another's template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Entry:
    """One link on a home page: for which profile kinds, which URL, with what words."""

    kinds: tuple[str, ...]
    title: str | Promise
    url_name: str
    description: str | Promise = ""
    order: int = 100
    section: str | Promise = ""
    visible: Callable[[object], bool] | None = field(default=None, compare=False)

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


def app_menus() -> list[ModuleType]:
    """The ``menu`` modules of the installed apps that have one."""
    modules = []
    for config in apps.get_app_configs():
        try:
            modules.append(import_module(f"{config.name}.menu"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.menu":
                raise
    return modules


def all_entries() -> list[Entry]:
    entries = [entry for module in app_menus() for entry in getattr(module, "ENTRIES", [])]
    return sorted(entries, key=lambda entry: (entry.order, str(entry.title)))


def entries_for(profile) -> list[tuple[Entry, str]]:
    """(entry, url) pairs the active profile may follow."""
    kind = getattr(profile, "kind", None)
    result = []
    for entry in all_entries():
        if kind in entry.kinds and (entry.visible is None or entry.visible(profile)):
            url = entry.url()
            if url:
                result.append((entry, url))
    return result
