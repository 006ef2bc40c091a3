"""French and English are complete: every string the code marks for translation has a French text.

The project catalogue is ``locale/``; an app with a ``locale/`` folder of its own keeps the French of its files there
(makemessages writes each file's messages to the nearest ``locale/`` folder above it), so apps built side by side do not
share one catalogue file.
"""

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
    return tree


def catalogues(tree: Path) -> list[Path]:
    """The project's catalogue and those of the apps (top-level folders)."""
    return sorted([*tree.glob("locale/fr/LC_MESSAGES/django.po"), *tree.glob("*/locale/fr/LC_MESSAGES/django.po")])


def test_every_message_has_a_french_translation(extracted):
    missing = [
        f"{path.relative_to(extracted)}: {entry.msgid}"
        for path in catalogues(extracted)
        for entry in polib.pofile(str(path))
        if not entry.translated() and not entry.obsolete
    ]
    assert not missing, f"{len(missing)} messages without French translation, e.g. {missing[:5]}"


def test_no_fuzzy_translation_is_shipped():
    fuzzy = [str(path) for path in catalogues(ROOT) if polib.pofile(str(path)).fuzzy_entries()]
    assert not fuzzy
