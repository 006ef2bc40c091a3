"""Who may edit published content: the content role, and administrators (SPEC B5)."""

from accounts.choices import StaffRole

CONTENT_ROLES = (StaffRole.CONTENT, StaffRole.ADMINISTRATOR)
