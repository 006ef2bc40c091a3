"""A small valid PDF for tests: uploads are rewritten by pikepdf (documents.sanitise), so a fake "%PDF-" header
with no page is refused; fixtures use this one-page document instead."""

from __future__ import annotations

import io
from functools import cache


@cache
def pdf_bytes(text: str = "supporting document") -> bytes:
    """A one-page A4 PDF whose page shows ``text`` (built with pikepdf, with a real cross-reference table)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 770 Td ({safe}) Tj ET".encode("latin-1", "replace"))
    out = io.BytesIO()
    from documents.sanitise import SAVE_OPTIONS

    pdf.save(out)
    with pikepdf.open(io.BytesIO(out.getvalue())) as again:  # as documents.sanitise writes it: a rewrite of these
        written = io.BytesIO()  # bytes gives back the same bytes
        again.save(written, **SAVE_OPTIONS)
    return written.getvalue()
