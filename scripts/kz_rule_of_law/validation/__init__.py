"""Validation: the single gate between the written package and everything downstream."""
