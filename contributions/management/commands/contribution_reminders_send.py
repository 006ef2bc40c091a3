"""Send the reminders of overdue calls for contributions: one per call and level; running it twice sends nothing
more."""

from django.core.management.base import BaseCommand

from contributions.services import reminders_send
from documents.pdf import paris_today


class Command(BaseCommand):
    help = "Send the reminders due for overdue calls for contributions."

    def handle(self, *args, **options):
        sent = reminders_send(actor=None, today=paris_today())
        self.stdout.write(f"{sent} reminder(s) sent.")
