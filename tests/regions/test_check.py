"""`flask region check`: the configured pack passes; a broken copy is refused, every problem named."""

import base64
import json
import re

import pytest

from vonhier import region

SELF_INTERSECTING = {"type": "Polygon", "coordinates": [[[10, 50], [12, 52], [12, 50], [10, 52], [10, 50]]]}
PARIS = (48.8566, 2.3522)


def check(app, *args):
    return app.test_cli_runner().invoke(args=["region", "check", *args])


def test_the_configured_pack_passes(app):
    result = check(app)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("ok")
    assert "km²" in result.output and region.pack().key in result.output


def _self_intersecting(text):
    data = json.loads(text)
    data["features"][0]["geometry"] = SELF_INTERSECTING
    return json.dumps(data)


def _first_organisation_in_paris(text):
    return re.sub(r"lat = [\d.]+\nlon = [\d.]+", f"lat = {PARIS[0]}\nlon = {PARIS[1]}", text, count=1)


def _unknown_state(text):
    return re.sub(r'(\[\[states\]\]\ncode = )"\w+"', r'\1"XX"', text, count=1)


def _unknown_rule_type(text):
    return re.sub(r'rule_type = "\w+"', 'rule_type = "moon_phase"', text, count=1)


def _dark_text_colour(text):
    return re.sub(r'main = "#\w+"', 'main = "#aaccaa"', text, count=1)


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (
            "region.geojson",
            _self_intersecting,
            r"region\.geojson: the polygon is not valid \(Self-intersection",
        ),
        (
            "demo/organisations.toml",
            _first_organisation_in_paris,
            r"demo/organisations\.toml \[\[organisation\]\] 1 \(.+\): "
            r"48\.8566, 2\.3522 lies [\d,.]+ km outside",
        ),
        ("region.toml", _unknown_state, r"\[\[states\]\] XX: not a German state the holidays library knows"),
        (
            "catalogue.toml",
            _unknown_rule_type,
            r"catalogue\.toml criterion .+: rule_type 'moon_phase' is not one of",
        ),
        (
            "region.toml",
            _dark_text_colour,
            r"white text on #aaccaa has a contrast of 1\.\d\d:1, below 4\.5:1",
        ),
    ],
)
def test_a_broken_pack_is_refused_naming_the_problem(app, broken, name, change, message):
    result = check(app, str(broken(name, change)))
    assert result.exit_code == 1
    assert re.search(message, result.output), result.output
    assert "problem(s)" in result.output


def test_every_problem_is_named_not_only_the_first(app, broken):
    broken("region.toml", _unknown_state)
    path = broken("catalogue.toml", _unknown_rule_type)
    result = check(app, str(path))
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("problem: ")]
    assert any("XX" in p for p in problems) and any("moon_phase" in p for p in problems)
    assert result.output.splitlines()[-1] == f"broken: {len(problems)} problem(s)"


def test_a_missing_pack_is_named(app, tmp_path):
    result = check(app, str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "no such region pack" in result.output


def test_a_png_logo_passes_as_the_docs_allow(app, broken):
    """region.toml may name an .svg or a .png logo; only an SVG is parsed as one."""
    path = broken("region.toml", lambda text: re.sub(r'^logo = ".*"$', 'logo = "logo.png"', text, flags=re.M))
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    (path / "logo.png").write_bytes(base64.b64decode(png))
    result = check(app, str(path))
    assert result.exit_code == 0, result.output
