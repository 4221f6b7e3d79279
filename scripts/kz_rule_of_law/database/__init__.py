"""The SQLite database, derived from the validated package."""
