"""Kazakhstan's legal forms of organization in Kazakh, Russian and English, keyed by the Kazakh abbreviation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LegalForm:
    """A legal form: Kazakh code and name, Russian name and abbreviation, English name and abbreviation."""

    code: str
    name_kk: str
    name_ru: str
    abbr_ru: str
    name_en: str
    abbr_en: str | None  # None where English texts have no settled abbreviation


# The codes, names and Russian abbreviations of the first seven are the ones the Kazakh normalizer has always
# published; the rest extend the table.
LEGAL_FORMS: dict[str, LegalForm] = {
    lf.code: lf
    for lf in (
        LegalForm("ҚҚ", "қоғамдық қор", "общественный фонд", "ОФ", "Public Foundation", "PF"),
        LegalForm("ҚБ", "қоғамдық бірлестік", "общественное объединение", "ОО", "Public Association", "PA"),
        LegalForm(
            "РҚБ",
            "республикалық қоғамдық бірлестік",
            "республиканское общественное объединение",
            "РОО",
            "Republican Public Association",
            None,
        ),
        LegalForm(
            "ЖШС",
            "жауапкершілігі шектеулі серіктестік",
            "товарищество с ограниченной ответственностью",
            "ТОО",
            "Limited Liability Partnership",
            "LLP",
        ),
        LegalForm("АҚ", "акционерлік қоғам", "акционерное общество", "АО", "Joint-Stock Company", "JSC"),
        LegalForm(
            "КЕАҚ",
            "коммерциялық емес акционерлік қоғам",
            "некоммерческое акционерное общество",
            "НАО",
            "Non-profit Joint-Stock Company",
            "NJSC",
        ),
        LegalForm(
            "РМК",
            "республикалық мемлекеттік кәсіпорын",
            "республиканское государственное предприятие",
            "РГП",
            "Republican State Enterprise",
            "RSE",
        ),
        LegalForm(
            "ЗТБ",
            "заңды тұлғалар бірлестігі",
            "объединение юридических лиц",
            "ОЮЛ",
            "Association of Legal Entities",
            "ALE",
        ),
    )
}
