"""axe-core and the page finder shared by the accessibility journeys (issue 14).

axe-core comes from the ``axe-playwright-python`` package (its bundled ``axe.min.js``), evaluated in each page (the
CSP allows no inline script); every rule runs. Pages are found, not listed: from a few start pages, the links inside
``<main>`` and the header's menu that stay under the given prefixes and answer HTML, followed ``depth`` times, one
page per route and kind (a ``kind``/``kind_code`` argument: each request form is a page of its own). The crawl has a
bound, ``limit``: reaching it fails the test (``TooManyPages``) instead of silently dropping pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.resources import files
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Page

WIDTHS = (1280, 390)
AXE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
DEPTH = 3  # links followed from the start pages: home → list → detail → the detail's own pages
LIMIT = 150  # pages a profile; reaching it fails the test (a crawl gone astray, or a space to split)


class TooManyPages(AssertionError):
    """The crawl reached its bound: the pages beyond it would go unchecked."""


# The innermost elements that reach past the right edge of the window: where a sideways scroll comes from.
WIDEST = """width => {
  const right = e => Math.round(e.getBoundingClientRect().right);
  return [...document.querySelectorAll("body *")]
    .filter(e => right(e) > width && ![...e.children].some(c => right(c) > width))
    .slice(0, 3).map(e => `${e.tagName.toLowerCase()}.${e.className} (${right(e)} px)`);
}"""

# On a phone, the tables of the main content: any wider than its container (a table that scrolls sideways inside a
# wrapper hides its right-hand columns), and the cells of a stacked table left without their column's name.
TABLES = """() => {
  const heads = t => [...t.querySelectorAll("thead th")].map(h => h.textContent.trim()).slice(0, 3).join("|");
  const name = t => `table.${[...t.classList].join(".")} (${heads(t)})`;
  const problems = [];
  for (const t of document.querySelectorAll("main table")) {
    const width = Math.round(t.getBoundingClientRect().width);
    const room = Math.min(t.parentElement.clientWidth, window.innerWidth);
    const stacked = t.classList.contains("stack-on-phone");
    if (width > room + 1) problems.push(`${name(t)} ${width} px wide for ${room}${stacked ? "" : ", not stacked"}`);
    const bare = "tbody td:not([data-label]):not([colspan]), tbody th[scope=row]:not([data-label])";
    const count = stacked ? t.querySelectorAll(bare).length : 0;
    if (count) problems.push(`${name(t)}: ${count} cell(s) without data-label`);
  }
  return problems;
}"""


def axe_violations(page: Page) -> list[str]:
    """Every axe-core rule on the page as it is: one line per violation (impact, rule, how many nodes, first one)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)  # evaluated, not a <script>: the CSP allows no inline script
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']} ×{len(v['nodes'])}: {v['nodes'][0]['target']} — {v['help']}"
        for v in result["violations"]
    ]


def route(url: str, prefixes: Iterable[str]) -> str | None:
    """The URL's page kind: its view name, with its ``kind`` arguments if any (``demarches:submit[kind_code=…]``);
    None for an address outside the prefixes (or no view's)."""
    path = urlsplit(url).path
    if urlsplit(url).netloc or not any(path.startswith(prefix) for prefix in prefixes):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    kinds = [f"{key}={value}" for key, value in sorted(match.kwargs.items()) if key.startswith("kind")]
    return match.view_name + (f"[{','.join(kinds)}]" if kinds else "")


def is_html(page: Page, url: str) -> bool:
    """Whether the link leads to a page (not a download, not a refusal); a link that breaks the server fails."""
    response = page.request.get(url)
    assert response.status < 500, f"{url} answered {response.status}"
    return response.ok and response.headers.get("content-type", "").startswith("text/html")


LINKS = """links => links.filter(a => !a.hasAttribute("download")).map(a => a.getAttribute("href"))"""


def find_pages(
    page: Page, start: dict[str, str], prefixes: Iterable[str], depth: int = DEPTH, limit: int = LIMIT
) -> dict[str, str]:
    """route → URL: the start pages, then the links in the main content and the header's menu of the pages found so
    far, ``depth`` times (one URL per route and kind). Downloads (``download`` links, answers other than HTML) are
    left out, each route tried once. Raises ``TooManyPages`` rather than going past ``limit`` pages."""
    pages = dict(start)
    tried = set(pages)
    level = list(pages.values())
    for _ in range(depth):
        found = []
        for url in level:
            page.goto(url)
            for href in page.locator("main a[href], header nav a[href]").evaluate_all(LINKS):
                name = route(href, prefixes)
                if not name or name in tried:
                    continue
                tried.add(name)
                if is_html(page, href):
                    if len(pages) >= limit:
                        raise TooManyPages(f"more than {limit} pages (raise the limit or split): {sorted(pages)}")
                    pages[name] = href
                    found.append(href)
        level = found
    return pages


def check_pages(
    page: Page, pages: dict[str, str], widths: Iterable[int] = WIDTHS, then: Callable[[str, int], None] | None = None
) -> dict[str, list[str]]:
    """``page label @width`` → axe's violations: each page visited once, then checked at each width in turn, the
    window resized where the page stands (as ``assert_accessible`` does; the CSS lays the page out again, nothing is
    served twice); at a phone's width no page scrolls sideways and no table of the main content is wider than its
    room or leaves a stacked cell without its column's name. ``then(name, width)`` runs after each check (a
    screenshot)."""
    widths = tuple(widths)
    found: dict[str, list[str]] = {}
    for name, url in sorted(pages.items()):
        page.set_viewport_size({"width": widths[0], "height": 900})
        page.goto(url)
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            found[f"{name} @{width}"] = page_problems(page, width)
            if then is not None:
                then(name, width)
    page.set_viewport_size({"width": widths[0], "height": 900})
    return found


def page_problems(page: Page, width: int) -> list[str]:
    """The page as it is at ``width``: axe's violations; at a phone's width, a sideways scroll and the tables."""
    problems = axe_violations(page)
    if width < 1000:
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            problems.append(f"scrolls sideways ({wide} px): {page.evaluate(WIDEST, width)}")
        problems += page.evaluate(TABLES)
    return problems


def assert_accessible(page: Page, label: str, then: Callable[[int], None] | None = None) -> None:
    """A page a journey reaches once (a mailed link, a set-up step, a form's answer), checked where it stands at
    both widths, then the window put back: no violation may be left. ``then(width)`` runs after each width's check
    (a screenshot)."""
    size = page.viewport_size
    found = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found[f"{label} @{width}"] = page_problems(page, width)
        if then is not None:
            then(width)
    page.set_viewport_size(size)
    failing = failures(found)
    assert not failing, "\n".join(failing)


def failures(found: dict[str, list[str]], known: Iterable[str] = ()) -> list[str]:
    """The violations left, one line each, but those whose line contains one of the ``known`` exceptions."""
    return [
        f"{name}: {line}"
        for name, lines in sorted(found.items())
        for line in lines
        if not any(exception in f"{name}: {line}" for exception in known)
    ]
