"""Decimal points rounded to 0.01, the unit every score line and total is kept in."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, PlainSerializer

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100.00")

# Indicator values are compared and interpolated after rounding to this many decimal places,
# so that a rate computed as 0.8999999999 in floating point is not read as below 0.90.
INDICATOR_DECIMALS = Decimal("0.000001")


def to_points(value: Decimal | float | int | str) -> Decimal:
    """Round a number half-up to 0.01 points."""
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_indicator_decimal(value: float) -> Decimal:
    """Convert an indicator value to a Decimal rounded half-up to 6 decimal places."""
    return Decimal(repr(value)).quantize(INDICATOR_DECIMALS, rounding=ROUND_HALF_UP)


def format_points(value: Decimal) -> str:
    """Format points for Chinese text, dropping trailing zeros (12.50 → 12.5, 8.00 → 8)."""
    text = format(value.quantize(CENT), "f").rstrip("0").rstrip(".")
    return text or "0"


# Points in pydantic models: Decimal rounded to 0.01, written to JSON as a number.
Points = Annotated[Decimal, AfterValidator(to_points), PlainSerializer(float, when_used="json")]
