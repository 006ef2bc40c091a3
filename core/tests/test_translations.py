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
    """Extract the messages the code uses now, in a copy of the source tree (never the real catalogue)."""
    tree = tmp_path_factory.mktemp("tree") / "src"
    skip = shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "node_modules", "*.mo", "*.png", "*.pdf")
    shutil.copytree(ROOT, tree, ignore=skip)
    env = {**os.environ, "VAR_DIR": str(tmp_path_factory.mktemp("var"))}
    for name in ("DATABASE_URL", "LOCALE_DIR"):
        env.pop(name, None)
    command = [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "--no-location"]
    command += ["--ignore=var", "--ignore=*/tests/*", "--ignore=static/vendor"]
    subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True, timeout=300)
    return tree / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_french_translation(extracted):
    catalogue = polib.pofile(str(extracted))
    missing = [entry.msgid for entry in catalogue if not entry.translated() and not entry.obsolete]
    assert not missing, f"{len(missing)} messages without French translation, e.g. {missing[:5]}"


def test_no_fuzzy_translation_is_shipped():
    catalogue = polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    assert not catalogue.fuzzy_entries()
