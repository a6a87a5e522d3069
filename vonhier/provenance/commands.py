"""`flask qr render` and `flask qr urls`: render stale pages again after a deploy, list the public URLs
for bulk printing."""

import sys

import click
from flask.cli import AppGroup

from .. import spreadsheet
from . import pages, services

cli = AppGroup("qr", help="QR codes of the products' public pages.")


@cli.command("render")
def render_stale_pages():
    """Render again every stored page made from older data or an older release: a deploy runs this
    after `flask db upgrade`, so that no scan waits for a rendering."""
    total = 0
    while done := pages.render_stale(20):
        total += done
    click.echo(f"{total} pages rendered again.")


@cli.command("urls")
def print_urls():
    """CSV of every active product's and batch's public URL and QR image, for bulk printing."""
    rows = ([row.product_id, row.lot, row.url, row.svg_url] for row in services.active_codes())
    spreadsheet.write(sys.stdout, [["product_id", "lot", "url", "qr_svg"], *rows], ",", "\n")
