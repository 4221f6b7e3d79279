"""Rules frictionless cannot express, run on typed rows (from facts before writing, or read back from CSVs).

`Checker` takes rows one at a time (the build) or a chunk at a time (validation), so neither holds
a whole table: the rules on one row run at once, and the one rule across tables (an event's date
within the period of the projects it presents) runs in `finish`, from the few columns it keeps. On
a chunk, the text rules first screen each column's texts joined together, and look at the rows one
by one only when the screen finds something.

The rules on the rows of one table are registered by name with `@rule("table")`, so a test can
check that every table they name is in the descriptor (a renamed table cannot turn its rules off).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..curation.derive import DERIVED
from ..curation.languages import LANGUAGES
from ..errors import Problem
from ..package.descriptor import Table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
# A formula prefix after a newline: at the start of a value, when a column's values are joined
# behind newlines (or after a newline inside a value: then the values are checked one by one).
FORMULA_START = re.compile("\n[" + re.escape("".join(FORMULA_PREFIXES)) + "]")

Rule = Callable[["Checker", dict[str, Any]], Iterable["Failure"]]
RULES: dict[str, Rule] = {}


def rule(table: str) -> Callable[[Rule], Rule]:
    """Register a method of Checker as the rule on each row of `table`."""

    def register(method: Rule) -> Rule:
        if table in RULES:
            raise AssertionError(f"two rules for table {table}")
        RULES[table] = method
        return method

    return register


@dataclass(frozen=True)
class Failure:
    """A rule a row breaks: the table, the row's key and what is wrong."""

    table: str
    key: tuple
    problem: Problem


class Checker:
    """Run every rule over rows fed one at a time; `texts(source_id)` gives a source's text or None."""

    def __init__(self, tables: dict[str, Table], texts: Callable[[str], str | None]) -> None:
        """Prepare the rules for the package's tables."""
        self.tables, self.texts = tables, texts
        self.text_fields = {name: [f.name for f in t.fields if f.type == "string"] for name, t in tables.items()}
        self.event_dates: dict[Any, dt.date] = {}
        self.project_periods: dict[Any, tuple[int, int]] = {}
        self.event_projects: list[tuple[tuple, Any, Any, int | None]] = []
        self.parents: dict[Any, tuple[Any, int | None]] = {}  # organization -> its parent, and the row's line
        self.source_texts: dict[str, Any] = {}  # sha256 -> the first source that records it
        self.source_languages: dict[Any, str | None] = {}  # source -> its language
        self.translations: dict[Any, tuple[Any, int | None]] = {}  # source -> the source it translates, line
        self.line: int | None = None  # the CSV line of the row being checked, when rows come from a CSV

    def fail(
        self, table: str, row: dict[str, Any], message: str, field: str, value: Any, expected: str, code: str
    ) -> Failure:
        """A failure of `row`, named by its primary key."""
        key = tuple(row.get(k) for k in self.tables[table].primary_key)
        return Failure(
            table,
            key,
            Problem(message, value=value, expected=expected, record="/".join(map(str, key)), field=field, code=code),
        )

    def check(self, table: str, row: dict[str, Any]) -> list[Failure]:
        """The failures of one row; rules across tables are kept for `finish`."""
        failures: list[Failure] = []
        table_rule = RULES.get(table)
        self.line = None
        if table_rule is not None:
            failures.extend(table_rule(self, row))
        failures.extend(self._text_failures(table, row))
        return failures

    def check_chunk(
        self, table: str, columns: list[str], rows: list[tuple], lines: list[int] | None = None
    ) -> list[tuple[int, Failure]]:
        """The failures of rows given as tuples in `columns` order, each with the row's position:
        the same as `check` row by row, with the text rules screened over each column at once.
        With the rows' CSV `lines`, the failures `finish` finds later are located on them too."""
        table_rule = RULES.get(table)
        texts_clean = self._texts_clean(table, columns, rows)
        if table_rule is None and texts_clean:
            return []
        found: list[tuple[int, Failure]] = []
        for i, values in enumerate(rows):
            row = dict(zip(columns, values))
            self.line = lines[i] if lines is not None else None
            failures = list(table_rule(self, row)) if table_rule is not None else []
            if not texts_clean:
                failures.extend(self._text_failures(table, row))
            found.extend((i, failure) for failure in failures)
        return found

    def _texts_clean(self, table: str, columns: list[str], rows: list[tuple]) -> bool:
        """Whether no text of `rows` can break a text rule: each column's texts joined by newlines
        show no formula prefix and no markup."""
        text_fields = self.text_fields.get(table, ()) if rows else ()
        by_column = list(zip(*rows)) if text_fields else []
        for column in text_fields:
            index = columns.index(column)
            if index >= len(by_column):
                continue  # rows shorter than the table: the missing cells are empty
            joined = "\n" + "\n".join(filter(None, by_column[index]))  # None: missing
            if FORMULA_START.search(joined) or ("<" in joined and MARKUP.search(joined)):
                return False
        return True

    def _text_failures(self, table: str, row: dict[str, Any]) -> list[Failure]:
        """The text rules on one row: no spreadsheet formula prefix, no markup."""
        failures = []
        for column in self.text_fields.get(table, ()):
            value = row.get(column)
            if not isinstance(value, str):
                continue
            if value.startswith(FORMULA_PREFIXES):
                failures.append(
                    self.fail(
                        table,
                        row,
                        "text begins like a spreadsheet formula",
                        column,
                        value,
                        "text that does not begin with =, +, -, @, tab or carriage return",
                        code="formula-prefix",
                    )
                )
            if MARKUP.search(value):
                failures.append(
                    self.fail(
                        table, row, "markup in text", column, value, "plain text without HTML tags", code="markup"
                    )
                )
        return failures

    @rule("budgets")
    def _budgets(self, row: dict[str, Any]) -> Iterable[Failure]:
        """The EU part is within the total; derived values follow from the amounts."""
        total, eu = row["total_budget"], row["eu_contribution"]
        if eu > total:
            yield self.fail(
                "budgets",
                row,
                "EU contribution above the total budget",
                "eu_contribution",
                eu,
                f"at most the total budget {total} {row['currency']}",
                code="budget-eu-above-total",
            )
        derived = DERIVED["budgets"](row)
        if row["cofinancing"] != derived["cofinancing"]:
            yield self.fail(
                "budgets",
                row,
                "co-financing is not total minus EU contribution",
                "cofinancing",
                row["cofinancing"],
                f"{derived['cofinancing']} (computed)",
                code="budget-cofinancing-mismatch",
            )
        if row["eu_share_percent"] != derived["eu_share_percent"]:
            yield self.fail(
                "budgets",
                row,
                "EU share does not follow from the amounts",
                "eu_share_percent",
                row["eu_share_percent"],
                f"{derived['eu_share_percent']} (computed)",
                code="budget-eu-share-mismatch",
            )
        if row.get("derived_qualifier") != derived["derived_qualifier"]:
            yield self.fail(
                "budgets",
                row,
                "derived values marked exact from an approximate amount, or the reverse",
                "derived_qualifier",
                row.get("derived_qualifier"),
                f"{derived['derived_qualifier']} (computed from the amounts' qualifiers)",
                code="budget-eu-share-mismatch",
            )

    @rule("projects")
    def _projects(self, row: dict[str, Any]) -> Iterable[Failure]:
        """The period runs forward and holds the stated duration."""
        start, end, stated = row["start_year"], row["end_year"], row.get("duration_years")
        self.project_periods[row["project_id"]] = (start, end)
        if end < start:
            yield self.fail(
                "projects",
                row,
                "period ends before it starts",
                "end_year",
                end,
                f"a year from {start}",
                code="project-period-reversed",
            )
        elif stated is not None and stated > end - start + 1:
            yield self.fail(
                "projects",
                row,
                f"stated duration is longer than the period {start}-{end}",
                "duration_years",
                stated,
                f"at most {end - start + 1} years",
                code="project-duration-too-long",
            )

    @rule("events")
    def _events(self, row: dict[str, Any]) -> Iterable[Failure]:
        """Keep the event's date for the rule across tables."""
        if row.get("date") is not None:
            self.event_dates[row["event_id"]] = row["date"]
        return ()

    @rule("event_projects")
    def _event_projects(self, row: dict[str, Any]) -> Iterable[Failure]:
        """Keep the pair for the rule across tables: an event held within or funded by a project
        falls in its period (a project may be presented at an event after it ended)."""
        if row.get("relation") != "presented_at":
            key = tuple(row.get(k) for k in self.tables["event_projects"].primary_key)
            self.event_projects.append((key, row["event_id"], row["project_id"], self.line))
        return ()

    @rule("quotes")
    def _quotes(self, row: dict[str, Any]) -> Iterable[Failure]:
        """The quote stands in its source at the recorded span."""
        text = self.texts(row["source_id"])
        if text is None:
            yield self.fail(
                "quotes",
                row,
                "source text not available",
                "source_id",
                row["source_id"],
                "an archived source",
                code="source-text-unavailable",
            )
        elif text[row["char_start"] : row["char_end"]] != row.get(f"text_{row.get('language')}"):
            quote = str(row.get(f"text_{row.get('language')}") or "")
            yield self.fail(
                "quotes",
                row,
                "quote not found at its recorded span",
                "char_start",
                f"{row['char_start']}-{row['char_end']}",
                f"the span of '{quote[:40]}' in the source",
                code="quote-span-mismatch",
            )
        yield from self._quote_language(row)

    def _quote_language(self, row: dict[str, Any]) -> Iterable[Failure]:
        """A quote is in its source's language, in that language's column only (text_en holds the
        English rendering beside a Kazakh or Russian quote)."""
        language, source = row.get("language"), self.source_languages.get(row["source_id"])
        if source in LANGUAGES and language != source:  # a language the build does not know is reported as such
            yield self.fail(
                "quotes",
                row,
                f"a {language} quote of a {source} source",
                "language",
                language,
                f"{source}, the language of source {row['source_id']}",
                code="quote-language-mismatch",
            )
        for other in ("kk", "ru"):
            if other != language and row.get(f"text_{other}") is not None:
                yield self.fail(
                    "quotes",
                    row,
                    f"text_{other} filled for a {language} quote",
                    f"text_{other}",
                    row[f"text_{other}"],
                    f"the quote in text_{language}, text_{other} empty",
                    code="quote-language-mismatch",
                )

    @rule("organizations")
    def _organizations(self, row: dict[str, Any]) -> Iterable[Failure]:
        """An organization is not its own parent (keep its parent for the cycles `finish` finds); the
        source of an official Russian name comes with the name."""
        if row.get("name_ru_source") is not None and row.get("name_ru") is None:
            yield self.fail(
                "organizations",
                row,
                "the source of an official Russian name, without the name",
                "name_ru_source",
                row["name_ru_source"],
                "name_ru: <the official Russian name> beside it, or no name_ru_source",
                code="name-source-without-name",
            )
        organization, parent = row["organization_id"], row.get("parent_id")
        if parent is None:
            return
        self.parents[organization] = (parent, self.line)
        if parent == organization:
            yield self.fail(
                "organizations",
                row,
                "organization is its own parent",
                "parent_id",
                parent,
                "the id of another organization, or no parent_id",
                code="organization-parent-cycle",
            )

    @rule("sources")
    def _sources(self, row: dict[str, Any]) -> Iterable[Failure]:
        """An archived text is recorded by one source only (its sha256 by one row); keep its language and
        the source it translates for `finish`."""
        self.source_languages[row["source_id"]] = row.get("language")
        if row.get("translation_of") is not None:
            self.translations[row["source_id"]] = (row["translation_of"], self.line)
        first = self.source_texts.setdefault(row["sha256"], row["source_id"])
        if first != row["source_id"]:
            yield self.fail(
                "sources",
                row,
                f"the archived text of source {first} again",
                "sha256",
                row["sha256"],
                "each archived text recorded by one source (one release, one source id)",
                code="duplicate-source-text",
            )

    def _parent_cycles(self) -> list[Failure]:
        """A failure for each cycle of two or more organizations through their parents, on the
        first of its organizations to be checked."""
        order = {organization: i for i, organization in enumerate(self.parents)}
        state: dict[Any, int] = {}  # 1: on the path being walked, 2: walked
        failures = []
        for start in self.parents:
            path, organization = [], start
            while organization in self.parents and organization not in state:
                state[organization] = 1
                path.append(organization)
                organization = self.parents[organization][0]
            cycle = path[path.index(organization) :] if state.get(organization) == 1 else []
            state.update(dict.fromkeys(path, 2))
            if len(cycle) > 1:
                first = min(cycle, key=order.__getitem__)
                parent, line = self.parents[first]
                loop = cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first]
                failure = self.fail(
                    "organizations",
                    {"organization_id": first},
                    "organizations' parents form a cycle: " + " -> ".join(map(str, loop)),
                    "parent_id",
                    parent,
                    "a parent that does not lead back to the organization",
                    code="organization-parent-cycle",
                )
                failures.append(Failure(failure.table, failure.key, failure.problem.located(line=line)))
        return failures

    def _translations(self) -> list[Failure]:
        """A failure for each source that translates itself, a source in its own language, or a
        translation (versions link to the original, never in a chain)."""
        failures = []
        for source, (original, line) in self.translations.items():
            problem = _translation_problem(source, original, self.source_languages, self.translations)
            if problem is None:
                continue
            message, expected = problem
            failure = self.fail(
                "sources",
                {"source_id": source},
                message,
                "translation_of",
                original,
                expected,
                code="bad-translation-of",
            )
            failures.append(Failure(failure.table, failure.key, failure.problem.located(line=line)))
        return failures

    def finish(self) -> list[Failure]:
        """The failures of the rules across rows: an event's date within its projects' periods, and
        no cycle of organizations through their parents."""
        failures = self._parent_cycles() if "organizations" in self.tables else []
        failures += self._translations()
        names = self.tables["event_projects"].primary_key if "event_projects" in self.tables else ()
        for key, event_id, project_id, line in self.event_projects:
            date, period = self.event_dates.get(event_id), self.project_periods.get(project_id)
            if date is None or period is None or period[0] <= date.year <= period[1]:
                continue
            row = dict(zip(names, key)) | {"project_id": project_id}
            failure = self.fail(
                "event_projects",
                row,
                f"event date {date} outside the project's period",
                "project_id",
                project_id,
                f"a project running in {date.year} (it runs {period[0]}-{period[1]})",
                code="event-outside-project-period",
            )
            failures.append(Failure(failure.table, failure.key, failure.problem.located(line=line)))
        return failures


def _translation_problem(
    source: Any, original: Any, languages: dict[Any, str | None], translations: dict[Any, tuple[Any, int | None]]
) -> tuple[str, str] | None:
    """What is wrong with `source`'s translation_of (message, expected), if anything; an unknown
    original is the foreign key's to report."""
    expected = "the id of the release in another language that this text is a version of"
    if original == source:
        return "a source is a translation of itself", expected
    if original not in languages:
        return None
    if languages[original] == languages.get(source):
        return f"a translation in the language of its original ({languages[original]})", expected
    if original in translations:
        first = translations[original][0]
        return (
            f"a translation of a translation (source {original} is itself a translation of {first})",
            f"{first}, the original: every version names the original",
        )
    return None
