"""The demo network's files (the region pack's `demo/`, described in its README) read into plain values."""

import csv
import tomllib
from functools import cache
from pathlib import Path

from .. import region


def folder() -> Path:
    return region.pack().path / "demo"


@cache
def toml(name: str) -> dict:
    with (folder() / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def table(name: str) -> list[dict]:
    """The rows of `demo/NAME.csv` (`;`-separated, a header row) as dicts of text."""
    with (folder() / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def organisations() -> list[dict]:
    return toml("organisations")["organisation"]


def accounts() -> dict:
    return toml("accounts")


def products(key: str) -> bytes | None:
    """The product file of the organisation `key`, as a producer would upload it (None: it has none)."""
    path = folder() / "products" / f"{key}.csv"
    return path.read_bytes() if path.exists() else None
