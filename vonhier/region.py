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
        return read_toml(self.path / name)

    def geojson(self) -> str:
        return (self.path / "region.geojson").read_text(encoding="utf-8")

    def catalogue(self) -> dict:
        return self.toml("catalogue.toml")

    def places(self) -> dict:
        """`districts` (town → district) and `city_districts` (town → district → [lat, lon])."""
        return self.toml("places.toml")


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise PackError(f"{path}: the file is missing") from None
    except tomllib.TOMLDecodeError as error:
        raise PackError(f"{path}: not valid TOML ({error})") from None


def _required(data: dict, key: str, where: str):
    if key not in data or data[key] in ("", None, [], {}):
        raise PackError(f"{where}: `{key}` is missing")
    return data[key]


def load(path: Path) -> Pack:
    """Read the pack in the folder `path`; PackError with a clear message if it cannot be used."""
    if not path.is_dir():
        raise PackError(f"{path}: no such region pack (a folder with region.toml)")
    where = str(path / "region.toml")
    data = read_toml(path / "region.toml")
    label = _required(data, "label", where)
    for key in ("name", "claim_de", "claim_en", "logo", "mail_sender", "colours"):
        _required(label, key, f"{where} [label]")
    look_version = _look_version(path, label, where)
    operator = _required(data, "operator", where)
    for key in ("name", "alliance", "address", "email", "invoice_issuer", "invoice_prefix"):
        _required(operator, key, f"{where} [operator]")
    try:
        timezone = ZoneInfo(_required(data, "timezone", where))
    except ZoneInfoNotFoundError:
        raise PackError(f"{where}: unknown time zone {data['timezone']!r}") from None
    states = tuple(
        State(
            *(str(_required(s, k, f"{where} [[states]]")) for k in ("code", "name_de", "name_en", "geonames"))
        )
        for s in _required(data, "states", where)
    )
    examples = _required(data, "examples", where)
    for key in ("districts", "place", "postcode", "towns"):
        _required(examples, key, f"{where} [examples]")
    if len(examples["towns"]) != 3:
        raise PackError(f"{where} [examples]: `towns` names three towns (the sample bread's origins)")
    map_ = _required(data, "map", where)
    centre = _required(map_, "centre", f"{where} [map]")
    return Pack(
        key=path.name,
        path=path,
        code=_required(data, "code", where),
        name_de=_required(data, "name_de", where),
        name_en=_required(data, "name_en", where),
        timezone=timezone,
        label=label,
        operator=operator,
        states=states,
        map_centre=(float(centre[0]), float(centre[1])),
        map_zoom=int(_required(map_, "zoom", f"{where} [map]")),
        licence_tiers=tuple(_required(data, "licence_tiers", where)),
        examples=examples,
        look_version=look_version,
    )


COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
COLOURS = ("main", "main_dark", "background", "panel")  # region.css names them --main, --main-dark, …
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


def _look_version(path: Path, label: dict, where: str) -> str:
    """Check the colours (written into a stylesheet: only `#rrggbb`) and the logo file; their hash."""
    colours = label["colours"]
    for key in COLOURS:
        value = str(_required(colours, key, f"{where} [label.colours]"))
        if not COLOUR.fullmatch(value):
            raise PackError(f"{where} [label.colours]: `{key}` must be a colour like #2f6b3a, not {value!r}")
    logo = path / label["logo"]
    if Path(label["logo"]).name != label["logo"] or logo.suffix.lower() not in LOGO_TYPES:
        raise PackError(f"{where} [label]: `logo` must name an .svg or .png file in the pack's folder")
    try:
        content = logo.read_bytes()
    except FileNotFoundError:
        raise PackError(f"{logo}: the logo file is missing") from None
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
