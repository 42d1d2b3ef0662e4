"""Scoring curves and conditions, checked against hand-computed points."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.rubric import BooleanCurve, Condition, LinearCurve, StepCurve, StepTier
from scoring.rubric.points import format_points, to_indicator_decimal, to_points

D = Decimal


def value(number: float) -> Decimal:
    return to_indicator_decimal(number)


def test_linear_rising():
    curve = LinearCurve(zero_at=0.90, full_at=0.98)
    # 14 × (0.95 − 0.90) / 0.08 = 8.75
    assert curve.points(value(0.95), D("14")) == D("8.75")
    assert curve.points(value(0.90), D("14")) == D("0.00")
    assert curve.points(value(0.99), D("14")) == D("14.00")
    assert curve.points(value(0.50), D("14")) == D("0.00")


def test_linear_falling():
    curve = LinearCurve(zero_at=0.10, full_at=0.02)
    # 4 × (0.10 − 0.04) / 0.08 = 3
    assert curve.points(value(0.04), D("4")) == D("3.00")
    assert curve.points(value(0.0), D("4")) == D("4.00")


def test_linear_rounds_half_up():
    curve = LinearCurve(zero_at=0, full_at=3)
    # 1 × 1/3 = 0.333… → 0.33; 1 × 2/3 = 0.666… → 0.67
    assert curve.points(value(1), D("1")) == D("0.33")
    assert curve.points(value(2), D("1")) == D("0.67")


def test_step_lower_is_better():
    curve = StepCurve(
        higher_is_better=False,
        tiers=[StepTier(threshold=0, points=4), StepTier(threshold=2, points=3), StepTier(threshold=5, points=1.5)],
    )
    assert curve.points(value(0), D("4")) == D("4.00")
    assert curve.points(value(2), D("4")) == D("3.00")
    assert curve.points(value(3), D("4")) == D("1.50")
    assert curve.points(value(6), D("4")) == D("0.00")


def test_step_higher_is_better():
    curve = StepCurve(
        higher_is_better=True,
        tiers=[StepTier(threshold=0.8, points=2), StepTier(threshold=0.6, points=1)],
    )
    assert curve.points(value(0.8), D("2")) == D("2.00")
    assert curve.points(value(0.79), D("2")) == D("1.00")
    assert curve.points(value(0.59), D("2")) == D("0.00")


def test_boolean_strict_threshold():
    curve = BooleanCurve(when=Condition(op="lt", threshold=0.10), points_if_true=3)
    assert curve.points(value(0.0999), D("3")) == D("3.00")
    assert curve.points(value(0.10), D("3")) == D("0.00")


def test_indicator_rounding_absorbs_float_noise():
    # 0.1 + 0.2 = 0.30000000000000004 in floating point; six decimals read it as 0.3.
    assert value(0.1 + 0.2) == D("0.300000")
    assert Condition(op="lt", threshold=0.3).holds(value(0.1 + 0.2)) is False


@pytest.mark.parametrize(
    ("op", "number", "expected"),
    [("lt", 0.9, False), ("le", 0.9, True), ("gt", 0.9, False), ("ge", 0.9, True), ("eq", 0.9, True),
     ("lt", 0.8999, True), ("gt", 0.9001, True)],
)
def test_condition_operators(op, number, expected):
    assert Condition(op=op, threshold=0.9).holds(value(number)) is expected


def test_points_helpers():
    assert to_points(0.005) == D("0.01")
    assert to_points("89.994") == D("89.99")
    assert format_points(D("12.50")) == "12.5"
    assert format_points(D("8.00")) == "8"
    assert format_points(D("0.00")) == "0"
