"""Sums in Russian words, as an invoice and an act print them under the total."""

from decimal import Decimal

from num2words import num2words

from core.money import to_kopecks


def _plural(number: int, one: str, few: str, many: str) -> str:
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def amount_in_words(amount: Decimal) -> str:
    """1234.50 → "Одна тысяча двести тридцать четыре рубля 50 копеек"."""
    amount = to_kopecks(amount)
    roubles = int(amount)
    kopecks = int((amount - roubles) * 100)
    words = num2words(roubles, lang="ru")
    text = (
        f"{words} {_plural(roubles, 'рубль', 'рубля', 'рублей')} "
        f"{kopecks:02d} {_plural(kopecks, 'копейка', 'копейки', 'копеек')}"
    )
    return text[0].upper() + text[1:]
