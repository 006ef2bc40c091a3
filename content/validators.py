"""Checks on what staff upload to the library: a real, readable PDF of bounded size (SECURITY: uploads).

The type is read from the content, never from the name or the browser's claim, and the whole
file is parsed before anything is stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

LIBRARY_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfInfo:
    size: int
    page_count: int


def _page_count(file: File) -> int:
    """Pages of a parsed PDF; any parsing failure is the same "unreadable" answer."""
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        if reader.is_encrypted:
            raise ValidationError(_("This PDF is protected by a password: upload an unprotected copy."), code="locked")
        return len(reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as error:
        logger.info("Library upload refused: unreadable PDF (%s).", type(error).__name__)
        return 0
    finally:
        file.seek(0)


def validate_library_pdf(file: File) -> PdfInfo:
    """Size within 10 MB, a PDF by its content, readable and with at least one page; else a field message."""
    size = file.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > LIBRARY_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s): the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(LIBRARY_MAX_BYTES)},
            code="too_large",
        )
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(_("Only PDF documents are accepted: this file is not a PDF."), code="not_pdf")
    pages = _page_count(file)
    if pages < 1:
        raise ValidationError(_("This PDF cannot be read: it may be damaged. Export it again."), code="unreadable")
    return PdfInfo(size=size, page_count=pages)
