from django.core.files.storage import FileSystemStorage


class EncryptedStorage(FileSystemStorage):
    """Placeholder until the encrypted storage lands (same module path)."""
