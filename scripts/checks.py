"""Rules frictionless cannot express, run on typed rows (from facts before writing, or read back from CSVs)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .descriptor import Table
from .errors import Problem
from .rows import DERIVED

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")


@dataclass(frozen=True)
class Failure:
    """A rule a row breaks: the table, the row's key and what is wrong."""

    table: str
    key: tuple
    problem: Problem


def run_checks(rows: dict[str, list[dict[str, Any]]], tables: dict[str, Table],
               texts: dict[str, str]) -> list[Failure]:
    """Every failure of every rule over the package's rows; `texts` maps source ids to their text."""
    failures: list[Failure] = []
    by_id = {name: {tuple(r[k] for k in t.primary_key): r for r in rows.get(name, [])} for name, t in tables.items()}

    def fail(table: str, row: dict[str, Any], message: str, field: str, value: Any, expected: str) -> None:
        key = tuple(row.get(k) for k in tables[table].primary_key)
        failures.append(Failure(table, key, Problem(message, value=value, expected=expected,
                                                    record="/".join(map(str, key)), field=field)))

    for row in rows.get("budgets", []):
        total, eu = row["total_budget"], row["eu_contribution"]
        if eu > total:
            fail("budgets", row, "EU contribution above the total budget", "eu_contribution", eu,
                 f"at most the total budget {total} {row['currency']}")
        derived = DERIVED["budgets"](row)
        if row["cofinancing"] != derived["cofinancing"]:
            fail("budgets", row, "co-financing is not total minus EU contribution", "cofinancing",
                 row["cofinancing"], f"{derived['cofinancing']} (computed)")
        if row["eu_share_percent"] != derived["eu_share_percent"]:
            fail("budgets", row, "EU share does not follow from the amounts", "eu_share_percent",
                 row["eu_share_percent"], f"{derived['eu_share_percent']} (computed)")
    for row in rows.get("projects", []):
        start, end, stated = row["start_year"], row["end_year"], row.get("duration_years")
        if end < start:
            fail("projects", row, "period ends before it starts", "end_year", end, f"a year from {start}")
        elif stated is not None and stated > end - start + 1:
            fail("projects", row, f"stated duration is longer than the period {start}-{end}", "duration_years",
                 stated, f"at most {end - start + 1} years")
    events = by_id.get("events", {})
    projects = by_id.get("projects", {})
    for row in rows.get("event_projects", []):
        event, project = events.get((row["event_id"],)), projects.get((row["project_id"],))
        if event and project and not project["start_year"] <= event["date"].year <= project["end_year"]:
            fail("event_projects", row, f"event date {event['date']} outside the project's period", "project_id",
                 row["project_id"], f"a project running in {event['date'].year} "
                 f"(it runs {project['start_year']}-{project['end_year']})")
    for row in rows.get("quotes", []):
        text = texts.get(row["source_id"])
        if text is None:
            fail("quotes", row, "source text not available", "source_id", row["source_id"], "an archived source")
        elif text[row["char_start"]:row["char_end"]] != row["text_kk"]:
            fail("quotes", row, "quote not found at its recorded span", "char_start",
                 f"{row['char_start']}-{row['char_end']}", f"the span of '{row['text_kk'][:40]}' in the source")
    for name, table in tables.items():
        text_fields = [f.name for f in table.fields if f.type == "string"]
        for row in rows.get(name, []):
            for column in text_fields:
                value = row.get(column)
                if not isinstance(value, str):
                    continue
                if value.startswith(FORMULA_PREFIXES):
                    fail(name, row, "text begins like a spreadsheet formula", column, value,
                         "text that does not begin with =, +, -, @, tab or carriage return")
                if MARKUP.search(value):
                    fail(name, row, "markup in text", column, value, "plain text without HTML tags")
    return failures
