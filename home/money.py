"""Money as the whole site writes and reads it: integer cents, shown in French.

format_eur(123456)     -> "1 234,56"   (narrow no-break space between thousands)
format_euros(5000)     -> "50 €"
cents_to_euros(5000)   -> Decimal("50.00")   (a number a spreadsheet adds up)
parse_euros("1 000,5") -> 100050             (None when it is not an amount)
euros_input(5000)      -> "50,00"            (what an amount field shows again)
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def format_eur(cents: int) -> str:
    sign = "-" if int(cents) < 0 else ""
    euros, rest = divmod(abs(int(cents)), 100)
    grouped = f"{euros:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}" if rest else f"{sign}{grouped}"


def format_euros(cents: int | None) -> str:
    return "" if cents is None else f"{format_eur(cents)} €"


def cents_to_euros(cents: int | None) -> Decimal | None:
    if cents is None:
        return None
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))


def euros_input(cents: int | None) -> str:
    if cents in (None, ""):
        return ""
    cents = int(cents)
    return f"{cents // 100},{cents % 100:02d}"


def parse_euros(text: str, *, exact: bool = False) -> int | None:
    """ "50", "50,5", "1 000,00 €" -> cents, for a positive amount; None otherwise.
    `exact` refuses more than two decimals instead of rounding them."""
    cleaned = "".join(str(text).replace("€", "").split()).replace(",", ".")
    if not cleaned or len(cleaned) > 12:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0:
        return None
    if exact and value != value.quantize(Decimal("0.01")):
        return None
    return int((value * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
