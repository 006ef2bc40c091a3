"""Payments: tables."""
