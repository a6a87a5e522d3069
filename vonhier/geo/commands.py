"""`flask region contains LAT LON`: lets admins check a point against the default region."""

import click
from flask.cli import with_appcontext

from . import services


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
@with_appcontext
def contains_command(lat, lon):
    """Print `inside` or `outside` for the point LAT LON (decimal degrees)."""
    click.echo("inside" if services.contains(services.default_region(), lat, lon) else "outside")
