from django.core.management.base import BaseCommand
from oauth2_provider.models import Application


class Command(BaseCommand):
    help = "Register (or update) the application under test as a confidential RS256 client."

    def add_arguments(self, parser):
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", action="append", default=[])

    def handle(self, *args, client_id, client_secret, redirect_uri, **options):
        application = Application.objects.filter(client_id=client_id).first()
        uris = set(redirect_uri)
        if application is None:
            application = Application(client_id=client_id)
        else:
            uris |= set(application.redirect_uris.split())
        application.name = "sigprojects"
        application.client_type = Application.CLIENT_CONFIDENTIAL
        application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        application.client_secret = client_secret
        application.redirect_uris = " ".join(sorted(uris))
        application.algorithm = Application.RS256_ALGORITHM
        application.skip_authorization = False
        application.save()
