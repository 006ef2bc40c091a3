"""Companies: tables."""
