import hashlib
import secrets

from django.core.management.base import BaseCommand, CommandError

from trygg.audit import log
from trygg.citizens.models import ApiClient
from trygg.orgs.models import Organisation


class Command(BaseCommand):
    help = (
        "Issue an Open311 api_key to a partner system (printed once; only its hash is stored), list the partner "
        "systems, or revoke one. Residents' apps post without a key."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Name of the partner system to issue a key to.")
        parser.add_argument("--organisation", help="Slug of the organisation that runs it.")
        parser.add_argument("--list", action="store_true", help="List the partner systems.")
        parser.add_argument("--revoke", type=int, metavar="ID", help="Revoke the key of partner system ID.")

    def handle(self, *args, **options):
        if options["list"]:
            for client in ApiClient.objects.select_related("organisation").order_by("pk"):
                state = "active" if client.active else "revoked"
                self.stdout.write(f"{client.pk}\t{state}\t{client.name}\t{client.organisation or ''}")
            return
        if options["revoke"] is not None:
            client = ApiClient.objects.filter(pk=options["revoke"]).first()
            if client is None:
                raise CommandError(f"--revoke: no partner system with id {options['revoke']}")
            client.active = False
            client.save(update_fields=["active"])
            log.record("trygg open311_key", "update", client, summary=f"Open311 key revoked: {client.name}")
            self.stdout.write(f"revoked the key of {client.name}")
            return
        if not options["name"]:
            raise CommandError("give the name of the partner system (or --list, --revoke ID)")
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"--organisation: no organisation with slug {options['organisation']!r}")
        key = secrets.token_urlsafe(32)
        client = ApiClient.objects.create(
            name=options["name"], organisation=organisation, key_hash=hashlib.sha256(key.encode()).hexdigest()
        )
        log.record("trygg open311_key", "create", client, summary=f"Open311 key issued: {client.name}")
        self.stdout.write(key)
