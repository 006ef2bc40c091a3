"""French and English are complete: every string the code marks for translation has a French text."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """Extract the messages the code uses now into a copy of the catalogues."""
    locale = tmp_path_factory.mktemp("locale")
    shutil.copytree(ROOT / "locale", locale, dirs_exist_ok=True)
    env = {**os.environ, "LOCALE_DIR": str(locale), "VAR_DIR": str(tmp_path_factory.mktemp("var"))}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-obsolete",
            "--no-location",
            "--ignore=.venv",
            "--ignore=var",
            "--ignore=*/tests/*",
            "--ignore=static/vendor",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return locale / "fr" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_french_translation(extracted):
    catalogue = polib.pofile(str(extracted))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    assert not missing, f"{len(missing)} messages without French translation, e.g. {missing[:5]}"


def test_no_fuzzy_translation_is_shipped():
    catalogue = polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    assert not catalogue.fuzzy_entries()
