import email
from pathlib import Path

from django.core.mail import EmailMultiAlternatives


def test_each_message_is_one_eml_file(settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mailbackend.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    for n in range(2):
        message = EmailMultiAlternatives(f"Sujet {n} é", "Corps", "from@example.fr", ["to@example.fr"])
        message.attach_alternative("<p>Corps</p>", "text/html")
        message.send()
    files = sorted(Path(settings.EMAIL_FILE_PATH).glob("*.eml"))
    assert len(files) == 2
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Sujet 0 é" and parsed["To"] == "to@example.fr"
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
