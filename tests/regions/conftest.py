import shutil

import pytest

from vonhier import region


@pytest.fixture
def broken(tmp_path):
    """A copy of the configured pack to break, and how to edit one of its files."""
    copy = tmp_path / "broken"
    shutil.copytree(region.pack().path, copy)

    def edit(name, change):
        file = copy / name
        file.write_text(change(file.read_text(encoding="utf-8")), encoding="utf-8")
        return copy

    return edit
