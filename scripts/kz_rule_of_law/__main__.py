"""`python -m kz_rule_of_law`: the kz-rule-of-law command."""

from .cli import app

app()
