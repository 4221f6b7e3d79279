"""Look-alike letters across scripts in facts files, and the nearest passage of a quote not found."""

from __future__ import annotations

import pytest

from kz_rule_of_law.curation import lookalike, quotes
from kz_rule_of_law.errors import InputError, registered
from workspace import cli, copy_project


def test_a_latin_letter_in_a_kazakh_word_is_found_with_its_code_point_line_and_column() -> None:
    text = "source:\n  place: {kk: АСТАНА, en: Astana}\n  title: {kk: Құқықтық саясатты зерттеу oрталығы}\n"
    [found] = lookalike.find(text)
    assert (found.line, found.column, found.char, found.word) == (3, 41, "o", "oрталығы")
    assert found.describe() == (
        "Latin letter 'o' (U+006F LATIN SMALL LETTER O) inside the Cyrillic word 'oрталығы' at column 41"
    )


def test_a_cyrillic_letter_in_an_english_word_is_found_too() -> None:
    [found] = lookalike.find("en: Legal Pоlicy Research Centre")
    assert (found.char, found.script, found.word_script, found.column) == ("о", "Cyrillic", "Latin", 12)


@pytest.mark.parametrize(
    "text",
    [
        "kk: Penal Reform International (Халықаралық түрме реформасы) өкілдігі",
        "kk: COVID-19-ға қарсы, LPRC-ның, ЕО-ның",
        "en: Aleška Simkić, Müller",
    ],
)
def test_words_of_one_script_each_are_not_look_alikes(text: str) -> None:
    assert lookalike.find(text) == []


def test_the_warning_code_is_registered() -> None:
    [warning] = lookalike.warnings("kk: сотталғанcарды\n", "facts/x.yml")
    assert warning.code == "lookalike-letter" and registered(warning.code)
    assert (warning.file, warning.line) == ("facts/x.yml", 1)


def test_a_quote_not_found_names_the_nearest_passage_and_the_letters_it_differs_by() -> None:
    text = "Жобаның жалпы бюджеті 777 895 еуроны құрайды, оның ішінде ЕО-ның жарнасы 739 000 еуро мөлшерінде."
    with pytest.raises(InputError) as raised:
        quotes.locate(text, "жалпы бюджетi 777 895 еуроны")  # a Latin i
    message = str(raised.value)
    assert "the nearest passage of the source is 'жалпы бюджеті 777 895 еуроны'" in message
    assert "U+0069 LATIN SMALL LETTER I at character 13 where the source has U+0456 CYRILLIC" in message


def test_no_passage_is_suggested_for_a_quote_unlike_anything_in_the_source() -> None:
    assert lookalike.suggestion("Форум өтті.", "мүлде басқа ұзын сөйлем осында") == ""


def test_the_search_for_the_nearest_passage_is_bounded() -> None:
    assert lookalike.nearest("сөз " * (lookalike.MAX_WINDOWS + 1), "сөз") is None
    long_quote = "а" * 5000
    near = lookalike.nearest("ааа " * 100, long_quote)
    assert near is not None and len(near[0]) <= lookalike.MAX_QUOTE + 12


def test_check_warns_of_a_look_alike_letter_and_still_passes(tmp_path) -> None:
    root = copy_project(tmp_path / "project")
    path = root / "facts" / "000_54035fae270ab93c.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("place: {kk: АСТАНА, en: Astana}", "place: {kk: АСТАНА, en: Аstana}"), "utf-8")
    ran = cli(root, "check", "facts/000_54035fae270ab93c.yml")
    assert ran.returncode == 0, ran.stderr
    line = 1 + text.splitlines().index("  place: {kk: АСТАНА, en: Astana}")
    assert (
        f"warning: facts/000_54035fae270ab93c.yml:{line}: Cyrillic letter 'А' (U+0410 CYRILLIC CAPITAL LETTER A) "
        "inside the Latin word 'Аstana' at column 27"
    ) in ran.stderr


def test_draft_warns_of_a_look_alike_letter_its_draft_quotes(tmp_path) -> None:
    root = copy_project(tmp_path / "project")
    (root / "archive" / "synthetic-lookalike.txt").write_text(
        "СИНТЕТИКАЛЫҚ МӘТІН.\nАСТAНА, 2026 жылғы 1 маусымда. Форумға 30-дан астам қатысушы келді.\n", "utf-8"
    )
    ran = cli(root, "draft", "archive/synthetic-lookalike.txt")
    assert ran.returncode == 0
    assert (
        "warning: facts/synthetic-lookalike.yml:13: Latin letter 'A' (U+0041 LATIN CAPITAL LETTER A) inside the "
        "Cyrillic word 'АСТAНА' at column 19"
    ) in ran.stderr
