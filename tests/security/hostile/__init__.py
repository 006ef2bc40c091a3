"""The hostile-file corpus every upload path must refuse or neutralise (issue 16), generated at run time.

Each entry is a ``Hostile`` file: its name as sent, its bytes, and what must happen — ``REFUSED`` (a clear message,
nothing stored) or ``NEUTRALISED`` (stored, but what is stored is clean: no script, action or attachment in a PDF;
a decodable picture without metadata). Entries marked ``EITHER`` may be refused or stored neutralised depending on
what the path accepts. ``csv`` marks files meant for the bulk-affiliation path, where "neutralised" means no cell
that a spreadsheet would run is accepted.

Nothing here is harmful: the "executable" is a few bytes with an MZ header, the virus is the EICAR test string.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass

from PIL import Image, ImageDraw

from tests.security.clamd import eicar

REFUSED, NEUTRALISED, EITHER = "refused", "neutralised", "either"
MAX_SIZE = 10 * 1024 * 1024  # the largest per-file limit of the document paths


@dataclass(frozen=True)
class Hostile:
    key: str
    name: str
    content: bytes
    expected: str  # REFUSED | NEUTRALISED | EITHER
    code: str = ""  # the refusal's code when it must be refused for a given reason ("malware", …)
    csv: bool = False

    def __repr__(self) -> str:  # short test ids
        return self.key


def _picture(width: int = 900, height: int = 1200) -> Image.Image:
    image = Image.new("RGB", (width, height), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    for y in range(40, height - 40, 30):
        draw.line((40, y, width - 40, y), fill=(20, 20, 20), width=3)
    return image


def _encoded(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def _pdf(build) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    build(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_active() -> bytes:
    """JavaScript on open, a page action, a launch action, a JavaScript link, an embedded .exe, a form with XFA."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    def build(pdf):
        js = Dictionary(
            Type=Name.Action,
            S=Name.JavaScript,
            JS=String("app.alert('pwned');this.exportDataObject({cName:'x.exe',nLaunch:2});"),
        )
        pdf.Root.OpenAction = pdf.make_indirect(js)
        pdf.Root.AA = Dictionary(WC=Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))
        launch = Dictionary(
            S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe"), P=String("/c calc"))
        )
        link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 100, 100]), A=launch)
        js_link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 100, 100, 200]), A=js)
        keystroke = Dictionary(K=Dictionary(S=Name.JavaScript, JS=String("app.alert(2)")))
        widget = Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=String("f"), AA=keystroke)
        pdf.pages[0].obj.Annots = Array(
            [pdf.make_indirect(link), pdf.make_indirect(js_link), pdf.make_indirect(widget)]
        )
        pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.alert(3)")))
        pdf.Root.AcroForm = Dictionary(Fields=Array([pdf.pages[0].obj.Annots[2]]), XFA=pdf.make_stream(b"<xdp:xdp/>"))
        pdf.attachments["invoice.exe"] = pikepdf.AttachedFileSpec(
            pdf, b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00", mime_type="application/x-msdownload"
        )
        attach = Dictionary(Type=Name.Annot, Subtype=Name.FileAttachment, Rect=Array([0, 300, 20, 320]),
                            FS=pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="run.exe").obj)  # fmt: skip
        pdf.pages[0].obj.Annots.append(pdf.make_indirect(attach))

    return _pdf(build)


def pdf_hidden_javascript() -> bytes:
    """JavaScript reachable only through an odd key of the catalog (no reader runs it; it must still go)."""
    from pikepdf import Dictionary, Name, String

    def build(pdf):
        pdf.Root.Names = Dictionary(
            JavaScript=Dictionary(Names=[String("a"), Dictionary(S=Name.JavaScript, JS=String("app.alert(4)"))])
        )
        pdf.pages[0].obj.Extra = Dictionary(S=Name.JavaScript, JS=String("app.alert(5)"))

    return _pdf(build)


def polyglot_pdf_html() -> bytes:
    """A file both a PDF and an HTML page: a browser sniffing it would run the script."""
    body = _pdf(lambda pdf: None)
    return body[:9] + b"%<html><body><script>alert(document.cookie)</script></body></html>\n" + body[9:]


def pdf_header_html() -> bytes:
    return b"%PDF-1.7\n<html><script>alert(1)</script></html>\n"


def svg_script() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def html_as_jpeg() -> bytes:
    return b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"


def png_bomb() -> bytes:
    """A 12000 x 12000 PNG of zeros: 144 megapixels that compress to a few hundred kilobytes."""
    width = height = 12000
    raw = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * width
    data = b"".join(raw.compress(row) for _ in range(height)) + raw.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def jpeg_huge_dimensions() -> bytes:
    """A small JPEG whose frame header claims 65000 x 65000 pixels."""
    content = bytearray(_encoded(_picture(64, 64), "JPEG"))
    marker = content.index(b"\xff\xc0")
    content[marker + 5 : marker + 9] = (65000).to_bytes(2, "big") + (65000).to_bytes(2, "big")
    return bytes(content)


def jpeg_truncated() -> bytes:
    content = _encoded(_picture(), "JPEG", quality=90)
    return content[: len(content) // 3]


def zip_as_pdf() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("invoice.exe", b"MZ\x90\x00")
    return out.getvalue()


def pdf_with_eicar() -> bytes:
    body = _pdf(lambda pdf: None)
    return body[:9] + b"%" + eicar() + b"\n" + body[9:]


def gif_as_png() -> bytes:
    return _encoded(_picture(50, 50), "GIF")


def wrong_magic() -> bytes:
    content = bytearray(_encoded(_picture(50, 50), "PNG"))
    content[1:4] = b"PNX"
    return bytes(content)


def jpeg_with_metadata() -> bytes:
    """A photo with EXIF (GPS, maker, comment) and a sideways orientation: must be stored upright and bare."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x010E] = "<script>alert(1)</script>"
    exif[0x0112] = 6  # rotated 90°
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0)}
    return _encoded(_picture(900, 1200), "JPEG", quality=90, exif=exif.tobytes(), comment=b"<script>alert(2)</script>")


def png_with_text() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta><rdf:RDF/></x:xmpmeta>")
    return _encoded(_picture(400, 500), "PNG", pnginfo=info)


def heic_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    return _encoded(_picture(600, 800), "HEIF", quality=80, exif=exif.tobytes())


def oversize_pdf() -> bytes:
    return b"%PDF-1.4\n%" + b"A" * (MAX_SIZE + 1024)


def csv_formulas() -> bytes:
    return (
        b"contract_number;last_name;first_name;birth_date;nir;start_date\n"
        b'C-0001;=HYPERLINK("http://evil.example","x");Jean;1980-01-01;;2026-01-01\n'
        b"C-0001;+cmd|' /C calc'!A0;Marie;1981-02-02;;2026-01-01\n"
        b"C-0001;<img src=x onerror=alert(1)>;@SUM(1+1);1982-03-03;;2026-01-01\n"
    )


def corpus() -> list[Hostile]:
    return [
        Hostile("pdf-js-launch-exe-xfa", "facture.pdf", pdf_active(), NEUTRALISED),
        Hostile("pdf-hidden-js", "releve.pdf", pdf_hidden_javascript(), EITHER),
        Hostile("polyglot-pdf-html", "polyglot.pdf", polyglot_pdf_html(), EITHER),
        Hostile("pdf-header-html", "page.pdf", pdf_header_html(), REFUSED),
        Hostile("svg-script", "logo.svg", svg_script(), REFUSED),
        Hostile("html-as-jpg", "photo.jpg", html_as_jpeg(), REFUSED),
        Hostile("png-bomb", "scan.png", png_bomb(), REFUSED),
        Hostile("jpeg-huge-dimensions", "huge.jpg", jpeg_huge_dimensions(), REFUSED),
        Hostile("jpeg-truncated", "cut.jpg", jpeg_truncated(), REFUSED),
        Hostile("zip-as-pdf", "archive.pdf", zip_as_pdf(), REFUSED),
        Hostile("eicar", "eicar.pdf", eicar(), REFUSED, code="malware"),
        Hostile("pdf-with-eicar", "infected.pdf", pdf_with_eicar(), REFUSED, code="malware"),
        Hostile("gif-as-png", "image.png", gif_as_png(), REFUSED),
        Hostile("wrong-magic", "scan.png", wrong_magic(), REFUSED),
        Hostile("null-byte-name", "ordonnance.php\x00.jpg", jpeg_with_metadata(), EITHER),
        Hostile("jpeg-exif-gps", "photo.jpg", jpeg_with_metadata(), EITHER),
        Hostile("png-text-chunks", "scan.png", png_with_text(), EITHER),
        Hostile("heic-exif", "IMG_0001.HEIC", heic_photo(), EITHER),
        Hostile("empty", "vide.pdf", b"", REFUSED),
        Hostile("oversize", "gros.pdf", oversize_pdf(), REFUSED),
        Hostile("csv-formulas", "salaries.csv", csv_formulas(), REFUSED, csv=True),
    ]


def write(folder) -> list[str]:
    """Write the corpus to ``folder`` (to try it by hand, or with another tool); returns the file names."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for item in corpus():
        name = f"{item.key}-{item.name.replace(chr(0), '_')}"
        (folder / name).write_bytes(item.content)
        names.append(name)
    return names
