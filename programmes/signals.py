"""A contribution that disappears takes its published atelier with it.

Contributions are deleted with their cycle (a coordinator deletes the cycle's page, and the database cascade
follows) or their host structure. Their ateliers live in `events` and point nowhere back, so without this
they would stay in the hosts' agendas as orphans of a programme that no longer exists — the same rule as
declining or withdrawing (`programmes.publishing.unpublish_contribution`).
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from events.models import Atelier

from .models import Contribution


@receiver(post_delete, sender=Contribution, dispatch_uid="programmes_remove_published_atelier")
def remove_published_atelier(sender, instance: Contribution, **kwargs):
    if instance.atelier_id:
        Atelier.objects.filter(pk=instance.atelier_id).delete()
