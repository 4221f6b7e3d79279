"""Exports of the package into other standards."""
