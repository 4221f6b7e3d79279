"""Versions of the data: the diff between two states of the package, releases, and how to cite them."""
