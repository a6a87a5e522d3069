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
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "vonhier/babel.cfg",
         "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )
    with pot.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(wanted - translated)
    assert not missing, f"run `make translations` and translate: {missing}"


def test_placeholders_survive_translation():
    with CATALOGUE.open("rb") as handle:
        for message in read_po(handle):
            if message.id and message.string:
                placeholders = sorted(re.findall(r"%\(\w+\)[sd]|%%", message.id))
                assert sorted(re.findall(r"%\(\w+\)[sd]|%%", message.string)) == placeholders, message.id
