"""Who may see and act on which synchronised calendar: rights follow the owning structure, as for ateliers.

A structure's editors manage its calendars, a bassin's coordinators those of every structure of the bassin,
superusers all of them. Nobody holds `calendars.*_feed` permissions (nothing is offered in the group editor),
so `FeedPermissionPolicy` grants the model-level actions (menu item, "add" button) to anyone who manages at
least one structure, and checks every instance against its structure. Views also scope their querysets with
`manageable_feeds`, so that another structure's calendar is simply not found (404).
"""

from events.permissions import ACTIONS, AtelierPermissionPolicy, manageable_structure_ids

from .models import Feed


def manageable_feeds(user):
    """The feeds the user may see and act on in the admin."""
    if not user.is_authenticated or not user.is_active:
        return Feed.objects.none()
    if user.is_superuser:
        return Feed.objects.all()
    return Feed.objects.filter(structure_id__in=manageable_structure_ids(user))


class FeedPermissionPolicy(AtelierPermissionPolicy):
    """The ateliers' structure-based rules (`events.permissions`), applied to `Feed`.

    Both models hang off a structure by a `structure` foreign key, so the instance checks are the ateliers'
    own; only the set of instances a user may act on is the feeds'.
    """

    def instances_user_has_any_permission_for(self, user, actions):
        if not ACTIONS & set(actions):
            return Feed.objects.none()
        return manageable_feeds(user)
