"""Values the build computes from stated ones: never typed into a facts file, checked on validation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def budget(row: dict[str, Any]) -> dict[str, Any]:
    """Co-financing and EU share of a budget row, computed from the stated amounts."""
    total, eu = row.get("total_budget"), row.get("eu_contribution")
    if total is None or eu is None:
        return {}
    share = (eu * 100 / total).quantize(Decimal("0.01"), ROUND_HALF_UP) if total else None
    approximate = any(
        row.get(q) not in (None, "exact") for q in ("total_budget_qualifier", "eu_contribution_qualifier")
    )
    return {
        "cofinancing": total - eu,
        "eu_share_percent": share,
        "derived_qualifier": "approximate" if approximate else "exact",
    }


DERIVED: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"budgets": budget}
DERIVED_COLUMNS = {"budgets": ("cofinancing", "eu_share_percent", "derived_qualifier")}
