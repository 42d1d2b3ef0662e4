"""Simulated inspection results for the manual rubric items, so a demo season can be scored.

A real season gets these from the bureau's inspectors and the companies' self-assessment;
the simulator replaces them with one accepted inspection entry per manual item,
scoring each company at a fixed share of the item's maximum points.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from scoring.rubric import Rubric
from storage.registry import EntryKind, EntrySource, create_manual_entry, review_manual_entry, submit_manual_entry

INSPECTOR = "simulated-inspector"
# A reviewer may not accept an entry they entered, so a second simulated person accepts them.
REVIEWER = "simulated-reviewer"


def enter_inspection_results(
    session: Session, *, season_code: str, unit_code: str, rubric: Rubric, share: float, actor: str = INSPECTOR
) -> int:
    """Enter and accept one inspection entry per manual item at ``share`` of its points; return the count."""
    count = 0
    manual_items = [item for area in rubric.areas for item in area.items if item.mode.value == "manual"]
    for item in manual_items:
        points, value = _entered_score(item, share)
        entry = create_manual_entry(
            session,
            season_code=season_code,
            unit_code=unit_code,
            code=item.code,
            entry_kind=EntryKind.ITEM,
            source=EntrySource.INSPECTION,
            points=points,
            value=value,
            note="模拟检查结果",
            actor=actor,
        )
        submit_manual_entry(session, entry_id=entry.id, actor=actor)
        review_manual_entry(session, entry_id=entry.id, accept=True, note="模拟审核通过", actor=REVIEWER)
        count += 1
    return count


def _entered_score(item, share: float) -> tuple[float | None, float | None]:  # noqa: ANN001
    """Return points for a plain manual item, or the curve value that earns ``share`` of them."""
    curve = getattr(item, "curve", None)
    if curve is None:
        points = (Decimal(item.max_points) * Decimal(str(share))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return float(points), None
    if curve.type != "linear":
        raise ValueError(f"simulated inspections support linear curves only, not {curve.type} on {item.code}")
    return None, round(curve.zero_at + share * (curve.full_at - curve.zero_at), 4)
