"""Money in roubles and kopecks: every amount the app stores, shows or prints is rounded
here, half up to the kopeck (0.125 → 0.13), as Russian invoices and cash registers do.

`Decimal.quantize` rounds half to even unless told otherwise (0.125 → 0.12), so callers
never quantize money themselves: the cart, the order, the quote and the PDFs must agree
to the kopeck. Amounts are Decimals (or ints, or strings of digits), never floats.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_kopecks(amount: Decimal | int | str) -> Decimal:
    """`amount` rounded half up to whole kopecks (two decimal places)."""
    return Decimal(amount).quantize(CENT, ROUND_HALF_UP)


def line_amount(quantity: Decimal | int, unit_price: Decimal | int) -> Decimal:
    """A line's amount before any discount: quantity × unit price, in kopecks."""
    return to_kopecks(Decimal(quantity) * Decimal(unit_price))


def discounted(gross: Decimal | int, discount_percent: Decimal | int | str) -> Decimal:
    """`gross` less `discount_percent` percent: gross × (1 − discount / 100), in kopecks.

    Give the unrounded gross (quantity × price), so the amount is rounded once.
    """
    return to_kopecks(Decimal(gross) * (1 - Decimal(discount_percent) / 100))


def percent_of(total: Decimal | int, percent: Decimal | int | str) -> Decimal:
    """`percent` percent of `total` (a prepayment's share of the order), in kopecks."""
    return to_kopecks(Decimal(total) * Decimal(percent) / 100)


def vat_included(amount: Decimal | int, rate: int) -> Decimal:
    """The VAT contained in an amount that includes it: amount × rate / (100 + rate), in
    kopecks; zero when `rate` is 0 or below (-1 is "without VAT")."""
    if rate <= 0:
        return Decimal("0")
    return to_kopecks(Decimal(amount) * rate / (100 + rate))
