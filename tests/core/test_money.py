"""Money rounds half up to the kopeck: 0.125 is 0.13, where Decimal's default gives 0.12."""

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from core.money import CENT, discounted, line_amount, percent_of, to_kopecks, vat_included


def test_the_default_rounding_would_give_the_even_kopeck():
    # What every test below guards against.
    assert Decimal("0.125").quantize(CENT, ROUND_HALF_EVEN) == Decimal("0.12")


@pytest.mark.parametrize(
    ("amount", "kopecks"),
    [
        (Decimal("0.125"), Decimal("0.13")),
        (Decimal("0.135"), Decimal("0.14")),
        (Decimal("2.675"), Decimal("2.68")),
        (Decimal("0.1249999"), Decimal("0.12")),
        (Decimal("-0.125"), Decimal("-0.13")),
        ("0.125", Decimal("0.13")),
        (7, Decimal("7.00")),
    ],
)
def test_to_kopecks_rounds_half_up(amount, kopecks):
    result = to_kopecks(amount)

    assert result == kopecks
    assert result.as_tuple().exponent == -2


def test_line_amount_is_quantity_times_price():
    assert line_amount(Decimal("0.5"), Decimal("0.25")) == Decimal("0.13")
    assert line_amount(Decimal("2"), Decimal("3500.50")) == Decimal("7001.00")


def test_discounted_takes_the_percent_off_and_rounds_once():
    assert discounted(Decimal("10.25"), Decimal("50")) == Decimal("5.13")
    assert discounted(Decimal("0.5") * Decimal("0.25"), Decimal("0")) == Decimal("0.13")
    assert discounted(Decimal("1000.00"), 0) == Decimal("1000.00")
    assert discounted(Decimal("1000.00"), Decimal("100")) == Decimal("0.00")


def test_percent_of_a_total():
    assert percent_of(Decimal("10.25"), Decimal("50")) == Decimal("5.13")
    assert percent_of(Decimal("19001.00"), Decimal("100")) == Decimal("19001.00")


def test_vat_included_in_a_gross_amount():
    # 0.75 × 20 / 120 = 0.125
    assert vat_included(Decimal("0.75"), 20) == Decimal("0.13")
    assert vat_included(Decimal("15000.00"), 20) == Decimal("2500.00")
    # 1.10 × 10 / 110 = 0.1
    assert vat_included(Decimal("1.10"), 10) == Decimal("0.10")


@pytest.mark.parametrize("rate", [0, -1])
def test_no_vat_without_a_rate(rate):
    assert vat_included(Decimal("0.75"), rate) == Decimal("0")
