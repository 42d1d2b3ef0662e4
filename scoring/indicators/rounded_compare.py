"""Compare means with a limit as if each were rounded to 0.01 °C first, in one pass.

The room-temperature indicators compare ``round_to_hundredth(np.nan_to_num(mean, nan=0.0))``
with a limit. Rounding is monotonic: a larger mean never rounds below a smaller one. So for
each limit there is a least double whose rounding passes. Comparing the raw means with
that double gives the same result for every mean, without rounding 18 M of them.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

import numpy as np

from scoring.household_day import round_to_hundredth


def rounded_above(means: np.ndarray, limit: float) -> np.ndarray:
    """Return, per mean, whether it rounded to 0.01 °C is above limit, with NaN counted as 0 °C."""
    return _at_least(means, _least_passing(lambda x: _rounded(x) > limit))


def rounded_at_least(means: np.ndarray, limit: float) -> np.ndarray:
    """Return, per mean, whether it rounded to 0.01 °C is at least limit, with NaN counted as 0 °C."""
    return _at_least(means, _least_passing(lambda x: _rounded(x) >= limit))


def _rounded(x: float) -> float:
    """Round one mean exactly as the indicators round an array of them."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(round_to_hundredth(np.nan_to_num(np.array([x]), nan=0.0))[0])


def _at_least(means: np.ndarray, least: float | None) -> np.ndarray:
    if least is None:
        return np.zeros(means.shape, dtype=bool)
    passes = means >= least
    # NaN compares false, but the indicators treat it as 0 °C.
    if least <= 0.0:
        passes |= np.isnan(means)
    return passes


def _least_passing(passes: Callable[[float], bool]) -> float | None:
    """Return the least double from -inf to +inf that passes a test that is monotonic in its argument.

    Bisects the doubles in their order as integers, so the result is exact. Returns None when even +inf fails.
    """
    if not passes(np.inf):
        return None
    if passes(-np.inf):
        return -np.inf
    failing, passing = _ordered(-np.inf), _ordered(np.inf)
    while passing - failing > 1:
        middle = (failing + passing) // 2
        if passes(_unordered(middle)):
            passing = middle
        else:
            failing = middle
    return _unordered(passing)


def _ordered(value: float) -> int:
    """Map a double to an integer that sorts like it, with both zeros mapped to 0."""
    bits = struct.unpack("<q", struct.pack("<d", value))[0]
    return bits if bits >= 0 else -(bits & 0x7FFF_FFFF_FFFF_FFFF)


def _unordered(number: int) -> float:
    bits = number if number >= 0 else (-number) | (1 << 63)
    return struct.unpack("<d", struct.pack("<Q", bits))[0]
