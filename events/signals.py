"""Sessions follow their structure: a structure published with new coordinates moves the sessions held there.

A signal, not a call from `network`: `network` sits below `events` (import-linter) and cannot call its
workflows, while every writer of a structure's place publishes it (the admin, `opendata.importer`,
`federation.mirror`), which sends `page_published`.
"""

from wagtail.signals import page_published

from network.models import StructurePage

from .domain import follow_structure


def structure_published(sender, instance, revision=None, **kwargs):
    # Without a revision: `network.domain.create_structures` publishing a batch of new structures, which
    # hold no session yet (a query per structure there would be a query per row of a national import).
    if revision is not None:
        follow_structure(structure=instance)


def connect():
    page_published.connect(structure_published, sender=StructurePage, dispatch_uid="events_follow_structure")
