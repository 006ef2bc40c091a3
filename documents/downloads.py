"""How every document leaves the portal (SECURITY: uploads and downloads): saved as a file, never sniffed, never
kept by a cache, and sandboxed should a browser render it anyway.

``Content-Disposition: attachment`` always, except pictures the back office previews (``inline=True``), which stay
under the same sandboxing policy: ``Content-Security-Policy: sandbox; default-src 'none'`` runs no script, loads
nothing and gives the document an opaque origin (no cookie, no storage of the portal).
"""

from __future__ import annotations

from django.utils.http import content_disposition_header

DOCUMENT_CSP = "sandbox; default-src 'none'"


def protect(response, *, filename: str, inline: bool = False):
    """Set the download headers on ``response`` (any HttpResponse or FileResponse) and return it."""
    response["Content-Disposition"] = content_disposition_header(as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = DOCUMENT_CSP
    return response
