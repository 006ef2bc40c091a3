"""Professionals: tables."""
