"""Backing the database up and restoring it: ``flask backup`` and ``flask restore``."""
