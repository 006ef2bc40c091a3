"""Models and migrations agree: a change of model without its migration fails here, not in production."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
