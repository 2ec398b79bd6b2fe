"""`manage.py sync_peers [URL…]`: mirror the followed instances now, in this process (no worker needed)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from federation.models import Peer, normalise_base_url
from federation.sync import sync_peer


class Command(BaseCommand):
    help = "Synchronise maintenant les instances suivies (toutes, ou celles dont l'adresse est donnée)."

    def add_arguments(self, parser):
        parser.add_argument("urls", nargs="*", help="adresses d'instances suivies (toutes par défaut)")

    def handle(self, *args, urls, **options):
        peers = Peer.objects.active()
        if urls:
            peers = peers.filter(url__in=[normalise_base_url(url) for url in urls])
        failed = 0
        for peer in peers:
            sync_peer(peer=peer)
            if peer.last_error:
                failed += 1
                self.stderr.write(f"{peer.base_url} : {peer.last_error}")
            else:
                self.stdout.write(f"{peer.base_url} : {peer.last_report}")
        if failed:
            self.stderr.write(
                ngettext("%(count)s instance en erreur", "%(count)s instances en erreur", failed)
                % {"count": failed}
            )
