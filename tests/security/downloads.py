"""What every document answer must carry (issue 16): saved as a file, never sniffed, sandboxed, never cached."""

from __future__ import annotations

PAGES = ("text/html", "application/json")


def is_download(response) -> bool:
    """A document rather than a page or an API answer: a file response, or any 2xx that is not HTML or JSON."""
    if response.status_code >= 300:
        return False
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return getattr(response, "streaming", False) or response.has_header("Content-Disposition") or kind not in PAGES


def assert_protected(response, *, inline_allowed: bool = False) -> None:
    assert response.status_code == 200, response.status_code
    disposition = response.get("Content-Disposition", "")
    kind = response.get("Content-Type", "")
    assert disposition.startswith("attachment") or (
        inline_allowed and disposition.startswith("inline") and kind.startswith("image/")
    ), f"{kind} served as {disposition!r}"
    assert response.get("X-Content-Type-Options") == "nosniff"
    policy = response.get("Content-Security-Policy", "")
    assert "sandbox" in policy and "default-src 'none'" in policy, policy
    assert "no-store" in response.get("Cache-Control", "")


def assert_protected_if_download(response) -> None:
    if is_download(response):
        assert_protected(response, inline_allowed=True)  # the back office previews pictures inline (still sandboxed)
