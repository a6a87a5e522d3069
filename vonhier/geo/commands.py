"""`flask region check [PACK]` and `flask region contains LAT LON`: a region pack validated, a point
checked against the configured pack's polygon."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from .. import region as packs_folder
from . import packs


class Coordinate(click.ParamType):
    name = "coordinate"

    def __init__(self, limit: float):
        self.limit = limit

    def convert(self, value, param, ctx):
        try:
            number = float(value)
        except ValueError:
            self.fail(f"{value!r} is not a number (use decimal degrees, e.g. 52.52)", param, ctx)
        if not -self.limit <= number <= self.limit:
            self.fail(f"{number} is outside -{self.limit:g}…{self.limit:g}", param, ctx)
        return number


@click.group()
def region():
    """The label's region."""


# Negative coordinates look like options to click; let them through as arguments.
@region.command("contains", context_settings={"ignore_unknown_options": True})
@click.argument("lat", type=Coordinate(90))
@click.argument("lon", type=Coordinate(180))
def contains_command(lat, lon):
    """Print `inside` or `outside` for the point LAT LON (decimal degrees): the configured pack's polygon."""
    click.echo("inside" if packs.contains(packs_folder.pack().path, lat, lon) else "outside")


@region.command("check")
@click.argument("pack", required=False)
@with_appcontext
def check_command(pack):
    """Check the region pack PACK (a name under regions/ or a path; default: the configured one).

    Prints every problem found and exits with 1, or a summary ending in "ok"."""
    path: Path = packs_folder.folder(pack)
    with force_locale("en"):  # the rules' messages in the command's language
        report = packs.check(path)
    for problem in report.problems:
        click.echo(f"problem: {problem}")
    if not report.ok:
        click.echo(f"{path.name}: {len(report.problems)} problem(s)")
        raise SystemExit(1)
    click.echo(f"{path.name}: {'; '.join(report.facts)} – ok")
