from django.core.management.base import BaseCommand

from projects.services.mailing import send_notifications


class Command(BaseCommand):
    help = (
        "Write the digests that are due and send every pending e-mail notification once. "
        "Safe to run often and concurrently (e.g. every five minutes from cron or a systemd "
        "timer): nothing is sent twice, and failed deliveries are tried again by later runs."
    )

    def handle(self, *args, **options):
        summary = send_notifications()
        self.stdout.write(f"Notifications: {summary}.")
