"""Keeps `StructurePage.bassin` right when Wagtail moves a structure to another bassin.

Wagtail moves a page by rewriting tree paths and saving it as a plain `Page`, so `StructurePage.save()` does
not run: this receiver sets the one derived field and nothing else (no workflow hides here).
"""

from wagtail.signals import post_page_move

from .models import StructurePage


def keep_structure_bassin(sender, instance, parent_page_after, **kwargs):
    StructurePage.objects.filter(pk=instance.pk).update(bassin=parent_page_after.pk)


def connect():
    post_page_move.connect(keep_structure_bassin, sender=StructurePage, dispatch_uid="keep_structure_bassin")
