"""kz-rule-of-law: Kazakh press releases on the rule of law as a validated open data package."""

__version__ = "0.1.0"
