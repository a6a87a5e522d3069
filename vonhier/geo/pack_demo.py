"""`flask region check` of a pack's demo folder: the references `flask demo load` follows.

Every organisation has a key of its own and a state of the region; accounts, sites, outlets, offers,
shops, batches and product files name organisations that exist. Each problem names the file and row.
"""

import csv
from pathlib import Path

from .. import region

CSV_FILES = ("sites.csv", "outlets.csv", "offers.csv", "shops.csv", "batches.csv")  # each has `organisation`


def _organisations(demo: Path, states: set, problems: list) -> set:
    """The keys of demo/organisations.toml, each checked: given, unique, in a state of the region."""
    entries = region.read_toml(demo / "organisations.toml").get("organisation")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        problems.append("demo/organisations.toml: no [[organisation]]: the demo network needs one at least")
        return set()
    keys = set()
    for number, entry in enumerate(entries, start=1):
        key, where = entry.get("key"), f"demo/organisations.toml [[organisation]] {number}"
        if not key or not isinstance(key, str):
            problems.append(f"{where}: `key` is missing")
        elif key in keys:
            problems.append(f"{where}: key {key!r} is given to an earlier organisation too")
        keys.add(key)
        if states and entry.get("state") not in states:
            problems.append(
                f"{where} ({key}): state {entry.get('state')!r} is not one of {', '.join(states)}"
            )
    return keys


def _references(demo: Path, keys: set, problems: list) -> None:
    users = region.read_toml(demo / "accounts.toml").get("user") or []
    for number, user in enumerate(users, start=1):
        if isinstance(user, dict) and user.get("organisation") and user["organisation"] not in keys:
            problems.append(
                f"demo/accounts.toml [[user]] {number} ({user.get('email')}): organisation "
                f"{user['organisation']!r} is not a key of demo/organisations.toml"
            )
    for name in CSV_FILES:
        with (demo / name).open(encoding="utf-8-sig", newline="") as file:
            for line, row in enumerate(csv.DictReader(file, delimiter=";"), start=2):
                if row.get("organisation") not in keys:
                    problems.append(
                        f"demo/{name} line {line}: organisation {row.get('organisation')!r} is not a key "
                        f"of demo/organisations.toml"
                    )
    problems += [
        f"demo/products/{file.name}: {file.stem!r} is not a key of demo/organisations.toml"
        for file in sorted((demo / "products").glob("*.csv"))
        if file.stem not in keys
    ]


def problems(path: Path, states: set) -> list[str]:
    """Every problem of the demo folder of the pack in `path` (`states`: the pack's state codes, or
    empty when region.toml could not be read)."""
    found = []
    try:
        keys = _organisations(path / "demo", states, found)
        if keys:
            _references(path / "demo", keys, found)
    except (region.PackError, OSError) as error:
        found.append(str(error))
    return found
