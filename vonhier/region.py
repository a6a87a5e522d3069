"""The region pack: the folder of data that makes this installation one region's label.

A pack (`regions/<name>/`, described in docs/region-packs.md) holds the label's name, claim, colours
and logo, the operator, the states, the time zone, the map's start, the licence tiers, the region's
polygon, the default criteria catalogue, the places for geocoding and the demo network. `REGION`
names the pack (default `berlin-brandenburg`), `REGIONS_DIR` the folder of packs. One process serves
one region: the pack is read once, and everything region-specific is asked of it.
"""

import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = "berlin-brandenburg"


class PackError(ValueError):
    """A pack that cannot be read; the message names the file and what is wrong."""


@dataclass(frozen=True)
class State:
    code: str  # ISO 3166-2 suffix: holidays, approval marks, addresses
    name_de: str
    name_en: str
    geonames: str  # GeoNames admin1 code: the polygon's derivation and the gazetteer

    def name(self, language: str) -> str:
        return self.name_de if language == "de" else self.name_en


@dataclass(frozen=True)
class Pack:
    key: str  # the folder's name
    path: Path
    code: str
    name_de: str
    name_en: str
    timezone: ZoneInfo
    label: dict  # name, claim_de, claim_en, logo, mail_sender, colours
    operator: dict
    states: tuple[State, ...]
    map_centre: tuple[float, float]
    map_zoom: int
    licence_tiers: tuple[dict, ...]
    examples: dict  # districts, place, postcode (hints: "e.g. “Uckermark”"), towns (the sample file's)
    # Changes with the colours and the logo: the address of region.css and of the logo carries it, so
    # browsers may keep both for a year and still see a change at once.
    look_version: str

    def name(self, language: str) -> str:
        """The region's name, "Berlin und Brandenburg" or "Berlin and Brandenburg"."""
        return self.name_de if language == "de" else self.name_en

    def claim(self, language: str) -> str:
        return self.label["claim_de"] if language == "de" else self.label["claim_en"]

    def state(self, code: str) -> State | None:
        return next((s for s in self.states if s.code == code), None)

    def file(self, name: str) -> Path:
        return self.path / name

    def toml(self, name: str) -> dict:
        """The pack's file `name`, read once per process (the caller must not change what it gets)."""
        return _read_once(self.path / name)

    def geojson(self) -> str:
        return (self.path / "region.geojson").read_text(encoding="utf-8")

    def catalogue(self) -> dict:
        return self.toml("catalogue.toml")

    def places(self) -> dict:
        """`districts` (town → district) and `city_districts` (town → district → [lat, lon])."""
        return self.toml("places.toml")


@cache
def _read_once(path: Path) -> dict:
    return read_toml(path)


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise PackError(f"{path}: the file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise PackError(f"{path}: not valid TOML ({error})") from None


class _Problems(list):
    """The problems of region.toml, collected so that `load` names them all at once."""

    def need(self, data, key: str, where: str, default=None):
        """`data[key]`, or `default` after noting that it is missing; `default` alone if `data` is not
        a table (what holds it names that)."""
        if not isinstance(data, dict):
            return default
        if key not in data or data[key] in ("", None, [], {}):
            self.append(f"{where}: `{key}` is missing")
            return default
        return data[key]

    def table(self, data: dict, key: str, where: str, keys: tuple) -> dict:
        """The table `data[key]`, each of `keys` required in it."""
        value = self.need(data, key, where, {})
        if not isinstance(value, dict):
            self.append(f"{where}: `{key}` must be a table [{key}]")
            return {}
        for name in keys:
            self.need(value, name, f"{where} [{key}]")
        return value


def load(path: Path) -> Pack:
    """Read the pack in the folder `path`; PackError naming every problem of region.toml (one a line)
    if it cannot be used."""
    if not path.is_dir():
        raise PackError(f"{path}: no such region pack (a folder with region.toml)")
    where = str(path / "region.toml")
    data = read_toml(path / "region.toml")
    problems = _Problems()
    label = problems.table(
        data, "label", where, ("name", "claim_de", "claim_en", "logo", "mail_sender", "colours")
    )
    look_version = (
        _look_version(path, label, where, problems) if "colours" in label and "logo" in label else ""
    )
    operator = problems.table(
        data, "operator", where, ("name", "alliance", "address", "email", "invoice_issuer", "invoice_prefix")
    )
    examples = problems.table(data, "examples", where, ("districts", "place", "postcode", "towns"))
    if "towns" in examples and (not isinstance(examples["towns"], list) or len(examples["towns"]) != 3):
        problems.append(f"{where} [examples]: `towns` names three towns (the sample bread's origins)")
    tiers = problems.need(data, "licence_tiers", where, [])
    if not isinstance(tiers, list) or not all(isinstance(tier, dict) for tier in tiers):
        problems.append(f"{where}: `licence_tiers` must be tables [[licence_tiers]]")
    pack = dict(
        key=path.name,
        path=path,
        code=problems.need(data, "code", where),
        name_de=problems.need(data, "name_de", where),
        name_en=problems.need(data, "name_en", where),
        timezone=_timezone(data, where, problems),
        label=label,
        operator=operator,
        states=_states(data, where, problems),
        licence_tiers=tuple(tiers),
        examples=examples,
        look_version=look_version,
        **_map(data, where, problems),
    )
    if problems:
        raise PackError("\n".join(problems))
    return Pack(**pack)


# The calendar files (orders/calendar.py) describe the zone with the EU's summer-time rule.
TIMEZONE_PREFIX = "Europe/"


def _timezone(data: dict, where: str, problems: _Problems) -> ZoneInfo | None:
    name = problems.need(data, "timezone", where)
    if name is None:
        return None
    if not isinstance(name, str) or not name.startswith(TIMEZONE_PREFIX):
        problems.append(
            f"{where}: time zone {name!r} is not a European one (Europe/…): the calendar files "
            f"describe the zone with the EU's summer-time rule"
        )
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        problems.append(f"{where}: unknown time zone {name!r}")
        return None


def _states(data: dict, where: str, problems: _Problems) -> tuple[State, ...]:
    entries = problems.need(data, "states", where, [])
    if not isinstance(entries, list) or not all(isinstance(s, dict) for s in entries):
        problems.append(f"{where}: `states` must be tables [[states]]")
        return ()
    keys = ("code", "name_de", "name_en", "geonames")
    return tuple(State(*(str(problems.need(s, k, f"{where} [[states]]", "")) for k in keys)) for s in entries)


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _map(data: dict, where: str, problems: _Problems) -> dict:
    """`map_centre` ([lat, lon]) and `map_zoom` (a whole number) of the table [map]."""
    map_ = problems.table(data, "map", where, ("centre", "zoom"))
    centre, zoom = map_.get("centre"), map_.get("zoom")
    if centre is not None and not (
        isinstance(centre, list)
        and len(centre) == 2
        and all(_number(c) for c in centre)
        and -90 <= centre[0] <= 90
        and -180 <= centre[1] <= 180
    ):
        problems.append(f"{where} [map]: `centre` must be [latitude, longitude] in degrees, not {centre!r}")
        centre = None
    if zoom is not None and not (isinstance(zoom, int) and not isinstance(zoom, bool) and 0 <= zoom <= 19):
        problems.append(f"{where} [map]: `zoom` must be a whole number from 0 to 19, not {zoom!r}")
        zoom = None
    return {"map_centre": tuple(map(float, centre)) if centre else None, "map_zoom": zoom}


COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
COLOURS = ("main", "main_dark", "background", "panel")  # region.css names them --main, --main-dark, …
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def _look_version(path: Path, label: dict, where: str, problems: _Problems) -> str:
    """Check the colours (written into a stylesheet: only `#rrggbb`) and the logo file; their hash."""
    colours, found = label["colours"], len(problems)
    if not isinstance(colours, dict):
        problems.append(f"{where} [label]: `colours` must be a table [label.colours]")
        return ""
    for key in COLOURS:
        value = str(problems.need(colours, key, f"{where} [label.colours]", ""))
        if value and not COLOUR.fullmatch(value):
            problems.append(f"{where} [label.colours]: `{key}` must be a colour like #2f6b3a, not {value!r}")
    logo = path / str(label["logo"])
    if Path(str(label["logo"])).name != label["logo"] or logo.suffix.lower() not in LOGO_TYPES:
        problems.append(f"{where} [label]: `logo` must name an .svg or .png file in the pack's folder")
        return ""
    try:
        content = logo.read_bytes()
    except FileNotFoundError:
        problems.append(f"{logo}: the logo file is missing")
        return ""
    if len(problems) > found:
        return ""
    digest = hashlib.sha256(" ".join(colours[key] for key in COLOURS).encode() + content)
    return digest.hexdigest()[:12]


def folder(name: str | None = None) -> Path:
    """The folder of the pack `name` (default: `REGION`): a name under `REGIONS_DIR`, or a path."""
    name = name or os.environ.get("REGION") or DEFAULT
    if "/" in name:
        return Path(name).resolve()
    return Path(os.environ.get("REGIONS_DIR") or ROOT / "regions") / name


@cache
def pack() -> Pack:
    """The configured pack, read once per process."""
    return load(folder())


def label_name() -> str:
    """The label's displayed name ("VON HIER"): texts name it as `%(label)s`."""
    return pack().label["name"]


def polygon_properties(geojson: str) -> dict:
    return json.loads(geojson)["features"][0].get("properties", {})
