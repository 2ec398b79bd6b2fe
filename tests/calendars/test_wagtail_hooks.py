"""The « Détacher du calendrier » button, given to the ateliers' edit page through their hook."""

from django.urls import reverse
from wagtail import hooks

from calendars.models import Feed
from calendars.wagtail_hooks import detach_button
from events import enums
from tests.factories import AtelierFactory, StructureFactory, UserFactory


def test_the_detach_button_is_registered_with_the_ateliers_hook():
    assert detach_button in hooks.get_hooks("register_atelier_header_buttons")


def test_the_detach_button_shows_on_imported_ateliers_only(db):
    structure = StructureFactory()
    feed = Feed.objects.create(structure=structure, url="https://agenda.example/a")
    imported = AtelierFactory(structure=structure, feed=feed, source=enums.Source.FEED, remote_uid="a@x")
    detached = AtelierFactory(
        structure=structure, feed=feed, source=enums.Source.LOCAL, remote_uid="b@x", detached=True
    )
    local = AtelierFactory(structure=structure)
    user = UserFactory()

    [button] = detach_button(imported, user)

    assert (button.label, button.url) == (
        "Détacher du calendrier",
        reverse("calendriers:detach", args=[imported.pk]),
    )
    assert detach_button(detached, user) == []
    assert detach_button(local, user) == []
