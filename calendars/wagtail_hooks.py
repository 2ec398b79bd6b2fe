"""Wagtail wiring of synchronised calendars, kept out of `events.wagtail_hooks` (imported at its end).

Registers the "Calendriers synchronisés" section, and gives the ateliers' edit page its « Détacher du
calendrier » button by wrapping the edit view class before the ateliers viewset builds its URLs.
"""

from wagtail import hooks

from events.viewsets import atelier_viewset

from .viewsets import feed_viewset, with_detach_button

atelier_viewset.edit_view_class = with_detach_button(atelier_viewset.edit_view_class)


@hooks.register("register_admin_viewset")
def register_feed_viewset():
    return feed_viewset
