"""Privacy: tables."""
