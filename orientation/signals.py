"""Drop the search index (`orientation.index`) when what it reads changes: places, ateliers, needs, and the
ateliers a calendar import writes in bulk (`calendars.signals.ateliers_imported`)."""

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from calendars.signals import ateliers_imported
from events.models import Atelier
from network.models import StructurePage

from .index import forget_index
from .models import Need


def drop_index(sender, **kwargs):
    forget_index()


def connect():
    for signal in (page_published, page_unpublished, post_page_move, post_delete):
        signal.connect(drop_index, sender=StructurePage, dispatch_uid=f"orientation_place_{id(signal)}")
    for model in (Atelier, Need):
        post_save.connect(drop_index, sender=model, dispatch_uid=f"orientation_save_{model.__name__}")
        post_delete.connect(drop_index, sender=model, dispatch_uid=f"orientation_delete_{model.__name__}")
    ateliers_imported.connect(drop_index, dispatch_uid="orientation_calendar_import")
