"""The object registry of the access matrix (SECURITY.md, "Object-level access").

Every URL pattern and every API path that names an object — a ``<uuid:…>``, ``<int:…>``,
``<slug:…>``, ``<str:…>`` or ``<path:…>`` converter, a ``{param}`` of the OpenAPI document —
is declared here with two builders: one makes an object *owned by* a given profile, the
other an object that belongs to *someone else* (another family, company, agent…). The
matrix (``tests/security/test_access_matrix.py``) then requests every declared URL as every
actor below × {own, other, nonexistent} and checks that "other" and "nonexistent" get the
same refusal (404; the login page for an anonymous visitor of a web page; 401 for an
anonymous API caller) and never show the object. A URL that is neither declared nor
exempted fails the matrix, so a new URL cannot escape it.

Declare an app's URLs in ``<app>/tests/objects.py``; the matrix imports that module of
every installed app by itself::

    from core.testing.objects import Target, exempt, kinds, register

    def own(profile):           # the actor's profile (accounts.Profile), or None for the anonymous visitor
        request = factories.request(person=profile.person)
        return Target({"public_id": request.public_id}, reveals=[request.subject])

    def other(profile):         # an object of someone else: another family here
        request = factories.request(person=person())
        return Target({"public_id": request.public_id}, reveals=[request.subject])

    register("demarches:request_detail", own=own, other=other, allowed=kinds("member"))
    register("demarches:request_cancel", own=own, other=other, allowed=kinds("member"), methods=("POST",))
    register("/api/requests/{public_id}", own=own, other=other, allowed=kinds("member"))
    exempt("help:article", reason="a published article's slug: the same public page for everyone")

Keys are URL names with their namespace (``"backoffice:user_detail"``) for web pages and
the OpenAPI path (``"/api/contracts/{public_id}"``) for the API, whose every operation on
that path is tried. A builder returns a ``Target`` (or a plain dict of the URL's keyword
arguments); ``reveals`` lists text that would show the object (a name, a number, an email):
it must never appear in a refused answer; ``data`` is the body an unsafe method sends about
the object (the same body goes with the nonexistent id it is compared with). Builders run
inside each case's transaction, so they may create what they need, and a successful POST
changes nothing for the next case.

Who is expected to get what is said with ``Who`` predicates over the actors:

- ``allowed``: actors who may open the object ``own`` builds for them (2xx/3xx expected);
  everyone else gets the refusal, the same as for a nonexistent object.
- ``owners`` (default: every logged-in actor): actors for whom ``own`` means something;
  the "own" case is tried only for them.
- ``sees_all``: actors entitled to every object of the kind (an administrator): for them
  no object is "someone else's", so the "other" case is not tried.

The world the matrix builds, which builders may rely on (``ACTORS`` below):

- ``member``: the holder (subscriber) of an individual contract that also covers the
  ``dependant`` (a spouse, with a member login of their own) and a child without a login;
- ``other_member``: the holder of another family's individual contract;
- ``company`` / ``other_company``: correspondents of two companies, each holding a
  collective contract with an affiliated employee;
- ``agent``: an agent with a management mandate in force on a client's individual contract;
  ``agent_unmandated``: an agent whose only mandate, on another client's contract, ended
  beyond the grace period (``contracts.Mandate`` rows say which is which);
- ``professional``: a health professional with a third-party-payment agreement;
- ``staff_<role>``: one staff login per back-office role, second factor verified.
All logins are ready (email confirmed, no temporary password); ``populate(hook)`` lets an app
add its records around them. Web pages are requested
with the actor's browser session; the API with a bearer token made by the token service
(staff, who get no token, call the API with their session).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any
from urllib.parse import quote

from accounts.choices import ProfileKind, StaffRole

# --- Actors --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who makes the request: a name, the kind of profile it acts in (None: anonymous), staff roles."""

    name: str
    kind: str | None
    roles: frozenset[str] = frozenset()
    description: str = ""

    def __str__(self) -> str:
        return self.name


ACTORS: tuple[Actor, ...] = (
    Actor("anonymous", None, description="not logged in"),
    Actor("member", ProfileKind.MEMBER, description="holder of an individual contract covering a family"),
    Actor("dependant", ProfileKind.MEMBER, description="the member's spouse, covered as a dependant, own login"),
    Actor("other_member", ProfileKind.MEMBER, description="holder of another family's contract"),
    Actor("company", ProfileKind.COMPANY, description="correspondent of a company with a collective contract"),
    Actor("other_company", ProfileKind.COMPANY, description="correspondent of another company"),
    Actor("agent", ProfileKind.AGENT, description="agent with a management mandate in force"),
    Actor("agent_unmandated", ProfileKind.AGENT, description="agent whose only mandate ended beyond the grace period"),
    Actor("professional", ProfileKind.PROFESSIONAL, description="health professional with a TP agreement"),
    *(
        Actor(f"staff_{role.value}", ProfileKind.STAFF, frozenset({role.value}), description=f"staff: {role.label}")
        for role in StaffRole
    ),
)
ACTOR_NAMES = frozenset(actor.name for actor in ACTORS)


class Who:
    """A predicate over actors, combinable with ``|``, ``&`` and ``~``."""

    def __init__(self, test: Callable[[Actor], bool], label: str):
        self._test = test
        self.label = label

    def __call__(self, actor: Actor) -> bool:
        return bool(self._test(actor))

    def __or__(self, other: Who) -> Who:
        return Who(lambda actor: self(actor) or other(actor), f"{self.label} | {other.label}")

    def __and__(self, other: Who) -> Who:
        return Who(lambda actor: self(actor) and other(actor), f"{self.label} & {other.label}")

    def __invert__(self) -> Who:
        return Who(lambda actor: not self(actor), f"~{self.label}")

    def __repr__(self) -> str:
        return f"Who({self.label})"


def actors(*names: str) -> Who:
    """These actors by name (see ``ACTORS``)."""
    unknown = set(names) - ACTOR_NAMES
    if unknown:
        raise ValueError(f"unknown actors {sorted(unknown)}; known: {sorted(ACTOR_NAMES)}")
    wanted = frozenset(names)
    return Who(lambda actor: actor.name in wanted, "actors(" + ", ".join(names) + ")")


def kinds(*profile_kinds: str) -> Who:
    """Every actor acting in one of these profile kinds (``accounts.choices.ProfileKind`` values)."""
    wanted = frozenset(str(kind) for kind in profile_kinds)
    unknown = wanted - set(ProfileKind.values)
    if unknown:
        raise ValueError(f"unknown profile kinds {sorted(unknown)}")
    return Who(lambda actor: actor.kind in wanted, "kinds(" + ", ".join(sorted(wanted)) + ")")


def roles(*staff_roles: str) -> Who:
    """Staff actors holding one of these roles (``accounts.choices.StaffRole`` values)."""
    wanted = frozenset(str(role) for role in staff_roles)
    unknown = wanted - set(StaffRole.values)
    if unknown:
        raise ValueError(f"unknown staff roles {sorted(unknown)}")
    return Who(lambda actor: bool(actor.roles & wanted), "roles(" + ", ".join(sorted(wanted)) + ")")


NOBODY = Who(lambda actor: False, "nobody")
EVERYONE = Who(lambda actor: True, "everyone")
LOGGED_IN = Who(lambda actor: actor.kind is not None, "logged in")


# --- Declarations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """An object a URL names: the URL's keyword arguments, text that would show its data, and optionally
    the body an unsafe method sends about it (form fields, or JSON for the API)."""

    kwargs: Mapping[str, Any]
    reveals: tuple[str, ...] = ()
    data: Mapping[str, Any] | None = None

    def __init__(self, kwargs: Mapping[str, Any], reveals: Iterable[str] = (), data: Mapping[str, Any] | None = None):
        object.__setattr__(self, "kwargs", dict(kwargs))
        object.__setattr__(self, "reveals", tuple(str(text) for text in reveals if str(text).strip()))
        object.__setattr__(self, "data", None if data is None else dict(data))


Builder = Callable[[Any], "Target | Mapping[str, Any]"]
DataBuilder = Callable[[Any, Target], Mapping[str, Any]]


@dataclass(frozen=True)
class Entry:
    """How the matrix reaches the objects of one URL name or API path."""

    key: str
    own: Builder
    other: Builder
    allowed: Who = NOBODY
    owners: Who = LOGGED_IN
    sees_all: Who = NOBODY
    methods: tuple[str, ...] | None = None
    data: DataBuilder | Mapping[str, Any] | None = None
    missing: Mapping[str, Any] | None = None
    module: str = field(default="", compare=False)

    def build(self, variant: str, profile) -> Target:
        built = (self.own if variant == "own" else self.other)(profile)
        if built is None:
            raise ValueError(f"{self.key}: the {variant!r} builder returned None for {profile!r}")
        return built if isinstance(built, Target) else Target(built)

    def body(self, profile, target: Target) -> dict[str, Any]:
        """What an unsafe method sends: the target's own ``data``, else the entry's (``{}`` without either)."""
        if target.data is not None:
            return dict(target.data)
        if self.data is None:
            return {}
        return dict(self.data(profile, target) if callable(self.data) else self.data)


REGISTRY: dict[str, Entry] = {}
EXEMPT: dict[str, str] = {}
WORLD_HOOKS: list[Callable[[dict[str, Any]], None]] = []


def _caller_module() -> str:
    import inspect

    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame and frame.f_back else None
    return caller.f_globals.get("__name__", "") if caller else ""


def register(
    key: str,
    *,
    own: Builder,
    other: Builder,
    allowed: Who = NOBODY,
    owners: Who = LOGGED_IN,
    sees_all: Who = NOBODY,
    methods: Iterable[str] | None = None,
    data: DataBuilder | Mapping[str, Any] | None = None,
    missing: Mapping[str, Any] | None = None,
) -> Entry:
    """Declare how to build the objects the URL name or API path ``key`` names.

    ``methods``: the HTTP methods to try (web pages: GET unless said; API paths: every
    operation of the OpenAPI document unless said). ``data``: the body of unsafe methods, a
    dict or ``callable(profile, target) -> dict`` (form fields for pages, JSON for the API).
    ``missing``: the keyword arguments of a nonexistent object, when the converter's type
    does not say how to make one.
    """
    entry = Entry(
        key=key,
        own=own,
        other=other,
        allowed=allowed,
        owners=owners,
        sees_all=sees_all,
        methods=tuple(method.upper() for method in methods) if methods is not None else None,
        data=data,
        missing=dict(missing) if missing is not None else None,
        module=_caller_module(),
    )
    existing = REGISTRY.get(key)
    if existing is not None and existing.module != entry.module:
        raise ValueError(f"{key!r} is declared twice: in {existing.module} and in {entry.module}")
    if key in EXEMPT:
        raise ValueError(f"{key!r} is both declared and exempted ({EXEMPT[key]})")
    REGISTRY[key] = entry
    return entry


def exempt(key: str, *, reason: str) -> None:
    """A URL whose parameter names no object (a signed token, a language code, a public slug…): say why."""
    if not reason or not reason.strip():
        raise ValueError(f"exempting {key!r} needs a reason")
    if key in REGISTRY:
        raise ValueError(f"{key!r} is both declared and exempted")
    EXEMPT[key] = reason.strip()


def populate(hook: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """Add an app's records around the actors once the world is built: ``hook(profiles)``, where
    ``profiles`` maps each actor's name to its ``accounts.Profile``. Records that exist next to every
    actor (claims of the company's employees, requests of the agent's clients…) are what a broken
    scoping rule would leak: the field-level check then sees them. Usable as a decorator."""
    if hook not in WORLD_HOOKS:
        WORLD_HOOKS.append(hook)
    return hook


def discover(extra: Iterable[str] = ()) -> None:
    """Import ``<app>.tests.objects`` of every installed app, then the ``extra`` modules."""
    from django.apps import apps

    for config in apps.get_app_configs():
        name = f"{config.name}.tests.objects"
        try:
            import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in {name, f"{config.name}.tests"}:
                raise
    for name in extra:
        import_module(name)


# --- Routes ----------------------------------------------------------------------------------

_CONVERTER_TYPES = {
    "UUIDConverter": "uuid",
    "IntConverter": "int",
    "SlugConverter": "slug",
    "StringConverter": "str",
    "PathConverter": "path",
}


@dataclass(frozen=True)
class Route:
    """A URL that takes parameters: a web page of the resolver, or a path of the OpenAPI document."""

    key: str  # the URL name with its namespaces, or the OpenAPI path (also the key of unnamed patterns)
    path: str  # for people: "/backoffice/users/<public_id>/" or "/api/contracts/{public_id}"
    params: tuple[tuple[str, str], ...]  # (name, type): uuid, int, slug, str, path, or a custom converter
    api: bool = False
    methods: tuple[str, ...] = ()  # API: the operations of the OpenAPI document
    template: str | None = None  # "/backoffice/users/{public_id}/" when the route is made of path() patterns

    def url(self, kwargs: Mapping[str, Any]) -> str:
        values = {name: quote(str(value), safe="") for name, value in kwargs.items()}
        if self.template is not None:
            return self.template.format(**values)
        from django.urls import reverse

        return reverse(self.key, kwargs=dict(kwargs))

    def missing_kwargs(self, override: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Keyword arguments that name no object at all."""
        kwargs = {name: missing_value(kind) for name, kind in self.params}
        kwargs.update(override or {})
        return kwargs


def missing_value(kind: str) -> Any:
    if kind == "uuid":
        return str(uuid.uuid4())
    if kind == "int":
        return 2_000_000_000 + uuid.uuid4().int % 100_000_000
    if kind in {"slug", "str", "path"}:
        return f"no-such-object-{uuid.uuid4().hex[:12]}"
    raise ValueError(f"no nonexistent value known for a {kind!r} parameter: declare it with missing={{…}}")


def _segment(pattern) -> tuple[str | None, list[tuple[str, str]]]:
    """A pattern's piece of a format template (None when it is a regex), and its parameters."""
    from django.urls.resolvers import RegexPattern, RoutePattern

    if isinstance(pattern, RoutePattern):
        params = [
            (name, _CONVERTER_TYPES.get(type(conv).__name__, type(conv).__name__))
            for name, conv in pattern.converters.items()
        ]
        return re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", str(pattern)), params
    if isinstance(pattern, RegexPattern):
        regex = pattern.regex
        params = [(name, "str") for name in regex.groupindex]
        unnamed = regex.groups - len(regex.groupindex)
        params += [(f"<group {n}>", "str") for n in range(1, unnamed + 1)]
        text = str(pattern).lstrip("^").rstrip("$")
        plain = not params and not re.search(r"[.*+?\[\](){}|\\]", text)
        return (text if plain else None), params
    return str(pattern), []  # LocalePrefixPattern: the language prefix, no parameter


def web_routes(api_paths: Iterable[str] = ()) -> list[Route]:
    """Every pattern of the URL resolver that takes parameters, except the API's own (see ``api_routes``)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    skip = set(api_paths)
    routes: list[Route] = []

    def walk(resolver, template: str | None, display: str, params: list, namespaces: tuple[str, ...]):
        for item in resolver.url_patterns:
            piece, item_params = _segment(item.pattern)
            item_template = None if template is None or piece is None else template + piece
            item_display = display + re.sub(r"\{([^}]+)\}", r"<\1>", piece or str(item.pattern))
            if isinstance(item, URLResolver):
                spaces = (*namespaces, item.namespace) if item.namespace else namespaces
                walk(item, item_template, item_display, params + item_params, spaces)
            elif isinstance(item, URLPattern):
                all_params = params + item_params
                if not all_params:
                    continue
                path = "/" + (item_template if item_template is not None else item_display)
                if item_template is not None and path in skip:
                    continue
                key = ":".join((*namespaces, item.name)) if item.name else "/" + item_display
                routes.append(
                    Route(
                        key=key,
                        path="/" + item_display,
                        params=tuple(all_params),
                        template=None if item_template is None else "/" + item_template,
                    )
                )

    walk(get_resolver(), "", "", [], ())
    return routes


def api_routes(schema: Mapping[str, Any]) -> list[Route]:
    """Every path of an OpenAPI document that takes path parameters, with its operations."""
    routes = []
    for path, operations in schema.get("paths", {}).items():
        params: dict[str, str] = {}
        methods = []
        for method, operation in operations.items():
            if method.lower() not in {"get", "post", "put", "patch", "delete"}:
                continue
            methods.append(method.upper())
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path":
                    params[parameter["name"]] = _schema_type(parameter.get("schema", {}))
        for name in re.findall(r"\{([^}]+)\}", path):
            params.setdefault(name, "str")
        if params:
            routes.append(
                Route(
                    key=path, path=path, params=tuple(params.items()), api=True, methods=tuple(methods), template=path
                )
            )
    return routes


def _schema_type(schema: Mapping[str, Any]) -> str:
    if schema.get("format") == "uuid":
        return "uuid"
    if schema.get("type") == "integer":
        return "int"
    return "str"


def undeclared(routes: Iterable[Route]) -> list[Route]:
    """Routes neither declared nor exempted."""
    return [route for route in routes if route.key not in REGISTRY and route.key not in EXEMPT]


def stale(routes: Iterable[Route]) -> list[str]:
    """Declarations and exemptions that name no route any more."""
    keys = {route.key for route in routes}
    return sorted(key for key in [*REGISTRY, *EXEMPT] if key not in keys)
