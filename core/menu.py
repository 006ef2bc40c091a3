"""The entries of each profile's home page, declared by the apps that provide them.

An app lists its entries in ``<app>/menu.py`` (``ENTRIES = [Entry(...)]``); the dashboard
shows the ones for the active profile, so a feature not built yet has no dead link and no
app edits another's template.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language


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
        """The entry's address, reversed once per URL configuration, script prefix and language."""
        key = (self.url_name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
        if key not in _URLS:
            try:
                _URLS[key] = reverse(self.url_name)
            except NoReverseMatch:
                _URLS[key] = None
        return _URLS[key]


_URLS: dict[tuple, str | None] = {}


def app_menus() -> list[ModuleType]:
    """The ``menu`` modules of the installed apps that have one (looked up once per set of installed apps: every
    page of a space reads them, and looking for an app's missing ``menu`` searches the whole import path again)."""
    return list(_app_menus(tuple(config.name for config in apps.get_app_configs())))


@functools.cache
def _app_menus(app_names: tuple[str, ...]) -> tuple[ModuleType, ...]:
    modules = []
    for name in app_names:
        try:
            modules.append(import_module(f"{name}.menu"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.menu":
                raise
    return tuple(modules)


def all_entries() -> list[Entry]:
    return list(_sorted_entries(tuple(app_menus()), get_language()))


@functools.cache
def _sorted_entries(modules: tuple[ModuleType, ...], language: str | None) -> tuple[Entry, ...]:
    entries = [entry for module in modules for entry in getattr(module, "ENTRIES", [])]
    return tuple(sorted(entries, key=lambda entry: (entry.order, str(entry.title))))


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


HOME_PATH = "/space/"


@dataclass(frozen=True)
class Navigation:
    """The header menu and breadcrumb of a page of a profile's space, from the same entries as its home."""

    main: list[tuple[Entry, str]]
    grouped: list[tuple[str, list[tuple[Entry, str]]]]
    active: tuple[Entry, str] | None
    path: str

    @property
    def active_url(self) -> str:
        return self.active[1] if self.active else ""

    @property
    def below_home(self) -> bool:
        """A page of the space other than its home: it shows a breadcrumb."""
        return bool(self.active) or (self.path.startswith(HOME_PATH) and self.path != HOME_PATH)

    @property
    def is_section_root(self) -> bool:
        return bool(self.active) and self.path == self.active[1]


def active_entry(entries: list[tuple[Entry, str]], path: str) -> tuple[Entry, str] | None:
    """The entry whose URL is the longest prefix of ``path``: the section a page belongs to."""
    matches = [(entry, url) for entry, url in entries if path == url or (url.endswith("/") and path.startswith(url))]
    return max(matches, key=lambda pair: len(pair[1]), default=None)


def navigation_for(profile, path: str) -> Navigation:
    """The sections of ``profile``'s space (unsectioned first, the others grouped) and the one ``path`` is in."""
    entries = entries_for(profile)
    main = [pair for pair in entries if not pair[0].section]
    groups: dict[str, list[tuple[Entry, str]]] = {}
    for pair in entries:
        if pair[0].section:
            groups.setdefault(str(pair[0].section), []).append(pair)
    return Navigation(main=main, grouped=list(groups.items()), active=active_entry(entries, path), path=path)


@dataclass(frozen=True)
class Home:
    """What a profile's home shows above its links: ``summary(profile)`` rendered by ``template``.

    Declared in an app's ``menu.py`` (``HOMES = [Home(...)]``) so that the dashboard imports no domain app.
    """

    kinds: tuple[str, ...]
    template: str
    summary: Callable[[object], object]


def home_for(profile) -> tuple[str, object] | None:
    """(template, summary) of the first home declared for the profile's kind, or None."""
    kind = getattr(profile, "kind", None)
    for module in app_menus():
        for home in getattr(module, "HOMES", []):
            if kind in home.kinds:
                return home.template, home.summary(profile)
    return None
