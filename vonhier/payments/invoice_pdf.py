"""The invoice as a PDF (A4), with what a German invoice must state (§ 14 UStG)."""

import unicodedata

from flask import current_app
from fpdf import FPDF

# The PDF's built-in font covers Latin-1 only: typographic quotes and dashes get their plain forms,
# other letters their base letter (Ł → L), so that every name can be printed.
PLAIN = str.maketrans(
    {
        "„": '"',
        "“": '"',
        "”": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "Ł": "L",
        "ł": "l",
        "€": "EUR",
        "\u00a0": " ",
    }
)


def _text(value: str) -> str:
    return "".join(_latin1(ch) for ch in value.translate(PLAIN))


def _latin1(ch: str) -> str:
    if ord(ch) < 256:
        return ch
    base = unicodedata.normalize("NFKD", ch)[0]
    return base if ord(base) < 256 else "?"


def _euro(cents: int) -> str:
    return f"{cents / 100:,.2f} EUR".replace(",", "X").replace(".", ",").replace("X", ".")


class _PlainFPDF(FPDF):
    def cell(self, w=None, h=None, text="", *args, **kwargs):
        return super().cell(w, h, _text(str(text)), *args, **kwargs)

    def multi_cell(self, w, h=None, text="", *args, **kwargs):
        return super().multi_cell(w, h, _text(str(text)), *args, **kwargs)


def render(invoice) -> bytes:
    config = current_app.config
    pdf = _PlainFPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    pdf.cell(0, 5, config["INVOICE_ISSUER"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", size=11)
    recipient = invoice.recipient
    for line in (recipient["name"], recipient["street"], f"{recipient['postcode']} {recipient['town']}"):
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.cell(0, 10, f"Rechnung {invoice.number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for label, value in (
        ("Rechnungsdatum", invoice.issued_on.strftime("%d.%m.%Y")),
        ("Leistungszeitraum", f"01.01.{invoice.licence.year} - 31.12.{invoice.licence.year}"),
        ("USt-IdNr. des Rechnungsstellers", config["INVOICE_VAT_ID"]),
        ("Verwendungszweck", invoice.payment_reference),
    ):
        pdf.cell(70, 7, label)
        pdf.cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", style="B", size=11)
    pdf.cell(120, 8, "Leistung", border="B")
    pdf.cell(0, 8, "Betrag", border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.cell(120, 8, invoice.description)
    pdf.cell(0, 8, _euro(invoice.net_cents), align="R", new_x="LMARGIN", new_y="NEXT")
    vat = f"{float(invoice.vat_percent):g}".replace(".", ",")
    for label, cents, style in (
        ("Nettobetrag", invoice.net_cents, ""),
        (f"Umsatzsteuer {vat} %", invoice.vat_cents, ""),
        ("Rechnungsbetrag", invoice.gross_cents, "B"),
    ):
        pdf.set_font("Helvetica", style=style, size=11)
        pdf.cell(120, 8, label)
        pdf.cell(0, 8, _euro(cents), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(
        0,
        6,
        f"Bitte überweisen Sie den Rechnungsbetrag innerhalb von 14 Tagen auf das Konto "
        f"IBAN {config['INVOICE_IBAN']} mit dem Verwendungszweck {invoice.payment_reference}.",
    )
    return bytes(pdf.output())
