"""Every user-facing string in the code and templates has a German translation."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "vonhier/translations/de/LC_MESSAGES/messages.po"


def test_german_catalogue_covers_every_string(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "vonhier/babel.cfg",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and _filled(m.string) and not m.fuzzy}
    missing = sorted(wanted - translated, key=str)
    assert not missing, f"run `make translations` and translate: {missing}"


def _filled(string) -> bool:
    """A translation, or every plural form of one, is present."""
    return all(string) if isinstance(string, tuple) else bool(string)


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]|%%", text))


def test_placeholders_survive_translation():
    with CATALOGUE.open("rb") as handle:
        for message in read_po(handle):
            if not (message.id and _filled(message.string)):
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for number, translated in enumerate(strings):
                source = ids[min(number, len(ids) - 1)]  # German has as many forms as English
                assert _placeholders(translated) == _placeholders(source), message.id
