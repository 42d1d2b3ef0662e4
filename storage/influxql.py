"""A linter that keeps every query inside the InfluxQL subset that 1.x, 2.x and 3.x share.

InfluxDB 3.x accepts only SELECT, EXPLAIN and a few SHOW statements, lacks SLIMIT, SOFFSET,
SAMPLE() and the technical-analysis functions, and does not support fill() with
INTEGRAL(). The 1.6.7 server the tests run against accepts all of these, so this check is
what keeps a query from working in tests and failing in production on 3.x.
"""

from __future__ import annotations

import re


class NonPortableQueryError(ValueError):
    """Raised for a statement outside the portable InfluxQL subset."""


ALLOWED_FUNCTIONS = frozenset(
    """
    count distinct integral mean median mode spread stddev sum
    bottom first last max min percentile top
    abs acos asin atan atan2 ceil cos cumulative_sum derivative difference elapsed exp floor
    ln log log2 log10 moving_average non_negative_derivative non_negative_difference pow round
    sin sqrt tan
    now time tz fill
    """.split()
)

ALLOWED_SHOW = (
    "show measurements",
    "show field keys",
    "show tag keys",
    "show tag values",
    "show retention policies",
)

# Keywords that may stand before a parenthesis without being a function call.
KEYWORDS = frozenset("and or not where from by select as on group order limit offset".split())

FORBIDDEN_CLAUSES = re.compile(r"\b(into|slimit|soffset)\b")
FUNCTION_CALL = re.compile(r"\b([a-z_][a-z0-9_]*)\s*\(")
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def check_portable(statement: str) -> None:
    """Raise NonPortableQueryError unless the statement runs on InfluxDB 1.x, 2.x and 3.x."""
    bare = QUOTED.sub("''", statement).strip().rstrip(";").strip()
    lowered = " ".join(bare.lower().split())

    if ";" in lowered:
        raise NonPortableQueryError("send one statement per query")

    if lowered.startswith("show "):
        if not lowered.startswith(ALLOWED_SHOW):
            raise NonPortableQueryError(f"SHOW statement not available on InfluxDB 3.x: {statement}")
        return

    if lowered.startswith("explain "):
        lowered = lowered.removeprefix("explain ").removeprefix("analyze ")
    if not lowered.startswith("select "):
        raise NonPortableQueryError(f"only SELECT and a few SHOW statements are portable: {statement}")

    clause = FORBIDDEN_CLAUSES.search(lowered)
    if clause:
        raise NonPortableQueryError(f"{clause.group(1).upper()} is not available on InfluxDB 3.x")

    functions = set(FUNCTION_CALL.findall(lowered)) - KEYWORDS
    unknown = sorted(functions - ALLOWED_FUNCTIONS)
    if unknown:
        raise NonPortableQueryError(f"functions not available on InfluxDB 3.x: {', '.join(unknown)}")
    if "integral" in functions and "fill" in functions:
        raise NonPortableQueryError("INTEGRAL() does not support fill() on InfluxDB 3.x")
