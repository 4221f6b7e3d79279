"""`scripts/` is the folder that holds the code, not a package: the import name is kz_rule_of_law."""

raise ImportError("scripts/ is a folder, not a package: import kz_rule_of_law")
