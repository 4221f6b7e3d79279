"""Curation: facts files, their quotes in the archived texts, the Kazakh normalizers, rows."""
