"""Who keeps the contracts' reference data in the back office."""

from accounts.choices import StaffRole

# The compulsory scheme's base tariffs: the claims service (which reads them on every review) and administrators.
TARIFF_ROLES = (StaffRole.CLAIMS, StaffRole.ADMINISTRATOR)
