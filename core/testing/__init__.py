"""Support code for the test suite that every app may use (never imported by the running portal)."""
