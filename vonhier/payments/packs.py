"""A region pack's licence tiers and invoice prefix checked against what the database stores
(`flask region check`, asked through `geo.signals.pack_settings`): a pack the check passes must seed."""

import re

from ..geo.signals import pack_settings
from ..organisations.models import SizeClass
from .models import Invoice, LicenceTier
from .services import INVOICE_NUMBER

PREFIX = re.compile(r"[A-Z0-9][A-Z0-9-]*")  # read aloud on the phone and typed into bank transfers
PREFIX_LENGTH = Invoice.number.type.length - len(INVOICE_NUMBER.format(prefix="", year=2026, number=99999))


def tier_problems(tiers) -> list[str]:
    """What the licence_tiers table would refuse or hold wrongly: a code or name missing, too long or
    twice, a fee or VAT rate out of range, a size class unknown or twice."""
    problems, classes, codes = [], [], [tier.get("code") for tier in tiers]
    for tier in tiers:
        where = f"region.toml [[licence_tiers]] {tier.get('code')}"
        code, size_class = tier.get("code"), tier.get("size_class")
        problems += _fee_problems(tier, where)
        if not isinstance(code, str) or len(code) > LicenceTier.code.type.length:
            problems.append(
                f"{where}: code must be a text of at most {LicenceTier.code.type.length} characters"
            )
        if size_class is None:
            continue
        if size_class not in set(SizeClass):
            problems.append(f"{where}: size_class {size_class!r} is not one of {', '.join(SizeClass)}")
        elif size_class in classes:
            problems.append(f"{where}: size_class {size_class!r} is given to an earlier tier too")
        classes.append(size_class)
    twice = sorted({code for code in codes if codes.count(code) > 1})
    return problems + [f"region.toml [[licence_tiers]]: {code} is given twice" for code in twice]


def _fee_problems(tier: dict, where: str) -> list[str]:
    problems = []
    missing = [key for key in ("code", "name_de", "name_en") if not tier.get(key)]
    if missing:
        problems.append(f"{where}: {', '.join(missing)} missing")
    fee, vat = tier.get("fee_cents"), tier.get("vat_percent")
    if not (isinstance(fee, int) and not isinstance(fee, bool) and fee >= 0):
        problems.append(f"{where}: fee_cents must be a whole number of cents, 0 or more ({fee!r})")
    if not (isinstance(vat, int | float) and not isinstance(vat, bool) and 0 <= vat <= 100):
        problems.append(f"{where}: vat_percent must be a number from 0 to 100 ({vat!r})")
    return problems


@pack_settings.connect
def settings_problems(_sender, pack, **_) -> list[str]:
    prefix = pack.operator["invoice_prefix"]
    problems = tier_problems(pack.licence_tiers)
    if not (isinstance(prefix, str) and PREFIX.fullmatch(prefix) and len(prefix) <= PREFIX_LENGTH):
        example = INVOICE_NUMBER.format(prefix=prefix, year=2026, number=1)
        problems.append(
            f"region.toml [operator] invoice_prefix {prefix!r}: at most {PREFIX_LENGTH} capital letters, "
            f"digits and hyphens, not starting with a hyphen (an invoice number, {example!r}, is stored "
            f"in {Invoice.number.type.length} characters)"
        )
    return problems
