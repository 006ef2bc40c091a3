"""PostgreSQL: a statement trigger on each audit table refusing TRUNCATE, which the row triggers never see."""

from django.db import migrations

from audit import triggers


def install(apps, schema_editor):
    triggers.install_truncate(schema_editor.connection)


def drop(apps, schema_editor):
    triggers.drop_truncate(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_sealed_chain")]

    operations = [migrations.RunPython(install, drop, elidable=False)]
