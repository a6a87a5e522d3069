"""The invoice as a PDF (A4), with what a German invoice must state (§ 14 UStG)."""

from flask import current_app
from fpdf import FPDF

from .. import fonts
from . import years


def _euro(cents: int) -> str:
    return f"{cents / 100:,.2f} EUR".replace(",", "X").replace(".", ",").replace("X", ".")


def _period(licence) -> str:
    """The calendar year, or its rest for a licence taken late in the year (`years.months_charged`)."""
    first_month = 13 - years.months_charged(licence.year, licence.terms_accepted_at)
    return f"01.{first_month:02d}.{licence.year} – 31.12.{licence.year}"


class _InvoicePDF(FPDF):
    def cell(self, w=None, h=None, text="", *args, **kwargs):
        return super().cell(w, h, fonts.printable(str(text)), *args, **kwargs)

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        return super().multi_cell(w, h, fonts.printable(str(text)), *args, **kwargs)


def render(invoice) -> bytes:
    config = current_app.config
    pdf = _InvoicePDF(format="A4")
    fonts.register(pdf)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font(fonts.FAMILY, size=8)
    pdf.cell(0, 5, config["INVOICE_ISSUER"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(fonts.FAMILY, size=11)
    recipient = invoice.recipient
    for line in (recipient["name"], recipient["street"], f"{recipient['postcode']} {recipient['town']}"):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font(fonts.FAMILY, style="B", size=16)
    pdf.cell(0, 10, f"Rechnung {invoice.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, size=11)
    for label, value in (
        ("Rechnungsdatum", invoice.issued_on.strftime("%d.%m.%Y")),
        ("Leistungszeitraum", _period(invoice.licence)),
        ("USt-IdNr. des Rechnungsstellers", config["INVOICE_VAT_ID"]),
        ("Verwendungszweck", invoice.payment_reference),
    ):
        pdf.cell(70, 7, label)
        pdf.cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(fonts.FAMILY, style="B", size=11)
    pdf.cell(120, 8, "Leistung", border="B")
    pdf.cell(0, 8, "Betrag", border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(fonts.FAMILY, size=11)
    pdf.cell(120, 8, invoice.description)
    pdf.cell(0, 8, _euro(invoice.net_cents), align="R", new_x="LMARGIN", new_y="NEXT")
    vat = f"{float(invoice.vat_percent):g}".replace(".", ",")
    for label, cents, style in (
        ("Nettobetrag", invoice.net_cents, ""),
        (f"Umsatzsteuer {vat} %", invoice.vat_cents, ""),
        ("Rechnungsbetrag", invoice.gross_cents, "B"),
    ):
        pdf.set_font(fonts.FAMILY, style=style, size=11)
        pdf.cell(120, 8, label)
        pdf.cell(0, 8, _euro(cents), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font(fonts.FAMILY, size=10)
    pdf.multi_cell(
        0,
        6,
        f"Bitte überweisen Sie den Rechnungsbetrag innerhalb von 14 Tagen auf das Konto "
        f"IBAN {config['INVOICE_IBAN']} mit dem Verwendungszweck {invoice.payment_reference}.",
    )
    return bytes(pdf.output())
