"""Key rotation: after ``rotate_encryption`` the old key can be dropped and everything still reads."""

import secrets
from datetime import date
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from core import crypto
from documents.storage import EncryptedStorage
from people.models import Person

pytestmark = pytest.mark.django_db

NIR = "284037512345678"


@pytest.fixture
def keys(settings):
    """Two fresh keys; the test starts encrypting under ``old``."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    crypto.reset_keys()
    yield old, new
    crypto.reset_keys()


def use_keys(settings, *keys: str) -> None:
    settings.ENCRYPTION_KEYS = list(keys)
    crypto.reset_keys()


def rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_encryption", stdout=out, **options)
    return out.getvalue()


def test_a_document_reads_with_the_new_key_alone_after_rotation(settings, keys):
    old, new = keys
    storage = EncryptedStorage()
    data = secrets.token_bytes(200_000)
    name = storage.save("documents/a/scan.pdf", ContentFile(data))
    use_keys(settings, new, old)

    output = rotate()

    use_keys(settings, new)
    assert storage.open(name).read() == data
    assert list(storage.stored_names()) == [name]
    assert "Documents re-encrypted: 1" in output


def test_without_rotation_the_new_key_alone_cannot_read(settings, keys):
    old, new = keys
    storage = EncryptedStorage()
    name = storage.save("scan.pdf", ContentFile(b"scan"))

    use_keys(settings, new)

    with pytest.raises(crypto.InvalidToken), storage.open(name) as stored:
        stored.read()


def test_an_encrypted_field_reads_with_the_new_key_alone_after_rotation(settings, keys):
    old, new = keys
    person = Person.objects.create(last_name="Dupont", first_name="Jeanne", birth_date=date(1980, 5, 17), nir=NIR)
    Person.objects.create(last_name="Durand", first_name="Paul", birth_date=date(1975, 1, 2))
    use_keys(settings, new, old)

    output = rotate()

    use_keys(settings, new)
    assert Person.objects.get(pk=person.pk).nir == NIR
    assert "people.Person (nir): 1 rows re-encrypted" in output


def test_rotation_walks_every_batch(settings, keys):
    old, new = keys
    for number in range(5):
        Person.objects.create(last_name=f"Nom{number}", first_name="A", birth_date=date(1990, 1, 1), nir=NIR)
    use_keys(settings, new, old)

    output = rotate(batch_size=2)

    use_keys(settings, new)
    assert [person.nir for person in Person.objects.all()] == [NIR] * 5
    assert "people.Person (nir): 5 rows re-encrypted" in output


def test_rotation_can_run_twice(settings, keys):
    old, new = keys
    storage = EncryptedStorage()
    name = storage.save("scan.pdf", ContentFile(b"scan"))
    Person.objects.create(last_name="Dupont", first_name="Jeanne", birth_date=date(1980, 5, 17), nir=NIR)
    use_keys(settings, new, old)

    rotate()
    second = rotate()

    use_keys(settings, new)
    assert storage.open(name).read() == b"scan"
    assert Person.objects.get().nir == NIR
    assert list(storage.stored_names()) == [name]
    assert "Documents re-encrypted: 1" in second


def test_rotation_also_works_on_a_backend_without_rename(settings, keys):
    old, new = keys
    settings.DOCUMENTS_BACKEND_STORAGE = "django.core.files.storage.InMemoryStorage"
    storage = EncryptedStorage()
    name = storage.save("memory/scan.pdf", ContentFile(b"scan"))
    use_keys(settings, new, old)

    storage.rotate(name)

    use_keys(settings, new)
    assert storage.open(name).read() == b"scan"
    assert list(storage.stored_names()) == [name]


def test_a_missing_old_key_stops_with_a_clear_message(settings, keys):
    old, new = keys
    EncryptedStorage().save("scan.pdf", ContentFile(b"scan"))
    use_keys(settings, new)

    with pytest.raises(CommandError, match="keep every old key"):
        rotate()


def test_an_empty_storage_is_fine(keys):
    assert "Documents re-encrypted: 0" in rotate()
