"""Contributions: tables."""
