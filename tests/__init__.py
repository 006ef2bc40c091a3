"""Cross-app tests: the security access matrix and the real-browser journeys."""
