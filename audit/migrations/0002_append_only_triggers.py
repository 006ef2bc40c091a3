"""Triggers that refuse UPDATE and DELETE on the audit table, for SQLite and PostgreSQL."""

from django.db import migrations

from audit import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection, tables=[triggers.EVENTS])


def drop(apps, schema_editor):
    triggers.drop(schema_editor.connection, tables=[triggers.EVENTS])


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, drop, elidable=False)]
