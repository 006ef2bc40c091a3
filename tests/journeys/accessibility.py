"""axe-core and the page finder shared by the accessibility journeys (issue 14).

axe-core comes from the ``axe-playwright-python`` package (its bundled ``axe.min.js``), evaluated in each page (the
CSP allows no inline script); every rule runs. Pages are found, not listed: from a few start pages, the links inside
``<main>`` that stay under the given prefixes and answer HTML, one page per route, up to a cap.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Page

WIDTHS = (1280, 390)
AXE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


# The innermost elements that reach past the right edge of the window: where a sideways scroll comes from.
WIDEST = """width => {
  const right = e => Math.round(e.getBoundingClientRect().right);
  return [...document.querySelectorAll("body *")]
    .filter(e => right(e) > width && ![...e.children].some(c => right(c) > width))
    .slice(0, 3).map(e => `${e.tagName.toLowerCase()}.${e.className} (${right(e)} px)`);
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
    """The URL's view name, or None for an address outside the prefixes (or no view's)."""
    path = urlsplit(url).path
    if urlsplit(url).netloc or not any(path.startswith(prefix) for prefix in prefixes):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def is_html(page: Page, url: str) -> bool:
    response = page.request.get(url)
    return response.ok and response.headers.get("content-type", "").startswith("text/html")


def find_pages(
    page: Page, start: dict[str, str], prefixes: Iterable[str], depth: int = 1, cap: int = 40
) -> dict[str, str]:
    """route → URL: the start pages, then the links in the main content of the pages found so far, ``depth``
    times (one URL per route, at most ``cap`` pages)."""
    pages = dict(start)
    level = list(pages.values())
    for _ in range(depth):
        found = []
        for url in level:
            page.goto(url)
            for href in page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
                name = route(href, prefixes)
                if name and name not in pages and len(pages) < cap and is_html(page, href):
                    pages[name] = href
                    found.append(href)
        level = found
    return pages


def check_pages(page: Page, pages: dict[str, str], width: int) -> dict[str, list[str]]:
    """``page label @width`` → axe's violations, each page at ``width``; at the phone's width none scrolls sideways."""
    page.set_viewport_size({"width": width, "height": 900})
    found: dict[str, list[str]] = {}
    for name, url in sorted(pages.items()):
        page.goto(url)
        found[f"{name} @{width}"] = axe_violations(page)
        if width < 1000:
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                found[f"{name} @{width}"].append(f"scrolls sideways ({wide} px): {page.evaluate(WIDEST, width)}")
    return found


def failures(found: dict[str, list[str]], known: Iterable[str] = ()) -> list[str]:
    """The violations left, one line each, but those whose line contains one of the ``known`` exceptions."""
    return [
        f"{name}: {line}"
        for name, lines in sorted(found.items())
        for line in lines
        if not any(exception in f"{name}: {line}" for exception in known)
    ]
