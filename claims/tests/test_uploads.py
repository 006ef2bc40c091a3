"""Supporting documents (SPEC C3): type by content, size and pages, re-encoding, blur calibration, storage."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageFilter

from claims import uploads
from claims.choices import QualityWarning
from claims.tests.conftest import blurred_jpeg, document_image, encoded, pdf_bytes, sharp_jpeg, upload
from claims.uploads import DocumentRejected, blur_score, check_upload


def check(content: bytes, name: str = "file.bin", content_type: str = "application/octet-stream"):
    checked = check_upload(upload(content, name, content_type))
    return checked


def refused_code(content: bytes, name: str = "file.pdf") -> str:
    with pytest.raises(DocumentRejected) as error:
        check(content, name)
    return error.value.code


def test_blur_threshold_is_calibrated_on_a_sharp_page_and_its_blurred_copy(settings):
    threshold = uploads.conf.get("CLAIM_BLUR_THRESHOLD")
    page = document_image()
    sharp = blur_score(page)
    blurred = blur_score(page.filter(ImageFilter.GaussianBlur(5)))
    slightly = blur_score(page.filter(ImageFilter.GaussianBlur(1)))
    assert sharp > 20 * threshold and slightly > threshold
    assert blurred < threshold
    assert blur_score(document_image(seed=7)) > 20 * threshold  # another page of text scores alike


def test_a_blurred_photo_gets_a_warning_a_sharp_one_none():
    sharp = check(sharp_jpeg(), "sharp.jpg")
    blurred = check(blurred_jpeg(), "blurred.jpg")
    assert sharp.warnings == [] and blurred.warnings == [QualityWarning.BLURRED]
    assert blurred.blur_score < sharp.blur_score
    sharp.cleanup()
    blurred.cleanup()


def test_a_small_photo_gets_a_warning():
    small = check(encoded(document_image(600, 700), "PNG"), "small.png", "image/png")
    assert QualityWarning.TOO_SMALL in small.warnings
    small.cleanup()


def test_images_are_reencoded_downscaled_and_stripped_of_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x010E] = "Rue de Rivoli, Paris"  # ImageDescription
    big = document_image(3000, 4000)
    checked = check(encoded(big, "JPEG", quality=95, exif=exif.tobytes()), "photo.jpg", "image/jpeg")
    assert checked.detected_type == "jpeg" and checked.content_type == "image/jpeg"
    with Image.open(io.BytesIO(checked.read())) as stored:
        assert max(stored.size) == 2000 and stored.format == "JPEG"
        assert not stored.getexif() and "exif" not in stored.info
    assert (checked.width, checked.height) == (1500, 2000)
    checked.cleanup()


def test_png_with_transparency_becomes_a_jpeg_on_white():
    image = Image.new("RGBA", (900, 1000), (0, 0, 0, 0))
    checked = check(encoded(image, "PNG"), "scan.png", "image/png")
    with Image.open(io.BytesIO(checked.read())) as stored:
        assert stored.mode == "RGB" and stored.getpixel((5, 5)) == (255, 255, 255)
    checked.cleanup()


def test_heic_photos_are_converted_when_pillow_heif_is_there():
    pytest.importorskip("pillow_heif")
    content = encoded(document_image(1200, 1600), "HEIF", quality=90)
    assert uploads.sniff(content[:16]) == "heic"
    checked = check(content, "IMG_0001.HEIC", "image/heic")
    assert checked.detected_type == "heic" and checked.content_type == "image/jpeg" and checked.warnings == []
    checked.cleanup()


def test_an_undecodable_heic_is_refused_never_stored_as_sent():
    content = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 100
    assert refused_code(content, "IMG.HEIC") == "unreadable"


def test_pdfs_are_parsed_page_count_and_rewritten():
    import hashlib

    content = pdf_bytes(3)
    checked = check(content, "bill.pdf")
    assert (checked.detected_type, checked.pages, checked.content_type) == ("pdf", 3, "application/pdf")
    assert checked.read().startswith(b"%PDF-") and checked.sha256 == hashlib.sha256(content).hexdigest()
    checked.cleanup()


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "invoice.pdf", "type"),  # a Windows program renamed .pdf
        (b"", "empty.pdf", "empty"),
        (b"%PDF-1.7\n garbage that is no PDF at all", "broken.pdf", "unreadable"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "photo.jpg", "unreadable"),
        (b"<html><script>alert(1)</script></html>", "page.pdf", "type"),
    ],
)
def test_bad_files_are_refused_by_content(content, name, code):
    assert refused_code(content, name) == code


def test_limits_on_size_pages_and_encryption(settings):
    assert refused_code(pdf_bytes(11)) == "pages"
    assert refused_code(pdf_bytes(1, password="secret")) == "encrypted"
    settings.CLAIM_MAX_FILE_BYTES = 1000
    assert refused_code(pdf_bytes(1) + b" " * 1000) == "too_large"


def test_refused_files_leave_no_temporary_file(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    for content in (b"MZ" + b"\x00" * 50, pdf_bytes(11), b"\xff\xd8\xff\xe0 bad"):
        with pytest.raises(DocumentRejected):
            check(content)
    good = check(sharp_jpeg(), "a.jpg")
    good.cleanup()
    assert list(tmp_path.iterdir()) == []


def test_one_bad_file_cleans_the_checked_ones(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(DocumentRejected):
        uploads.check_all([upload(pdf_bytes(1)), upload(b"MZ" + b"\x00" * 50, "x.exe")])
    assert list(tmp_path.iterdir()) == []


def test_the_scanner_hook_can_refuse(monkeypatch):
    from documents import antivirus

    def infected(stream):
        raise antivirus.Infected("Eicar-Test-Signature")

    monkeypatch.setattr(antivirus, "scan", infected)
    assert refused_code(pdf_bytes(1)) == "malware"


def test_stored_documents_are_encrypted_under_random_names(settings):
    checked = check(sharp_jpeg(), "receipt.jpg")
    name = uploads.store(checked)
    assert name.startswith("claims/") and "receipt" not in name
    raw = (settings.MEDIA_ROOT / name).read_bytes()
    assert raw.startswith(b"OMENC1") and checked.read()[:64] not in raw
    with default_storage.open(name) as stored:
        assert stored.read() == checked.read()
    uploads.delete_stored([name])
    assert not default_storage.exists(name)
    checked.cleanup()


def test_safe_names_keep_only_the_last_part():
    assert uploads.safe_name("C:\\Users\\me\\bill.pdf") == "bill.pdf"
    assert uploads.safe_name("../../etc/passwd") == "passwd"
    assert uploads.safe_name("") == "document"
    assert len(uploads.safe_name("a" * 400 + ".pdf")) == 255


def test_a_decompression_bomb_is_refused():
    header = io.BytesIO()
    Image.new("1", (12000, 12000)).save(header, format="PNG")
    assert refused_code(header.getvalue(), "bomb.png") == "dimensions"


def test_a_checked_file_has_no_named_copy_on_disk(tmp_path, monkeypatch):
    """A worker killed between checking and storing leaves no plaintext copy in the temporary folder."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    checked = [check(sharp_jpeg(), "a.jpg"), check(pdf_bytes(2), "b.pdf")]
    assert list(tmp_path.iterdir()) == []
    assert checked[0].read()[:3] == b"\xff\xd8\xff" and checked[1].read().startswith(b"%PDF-")
