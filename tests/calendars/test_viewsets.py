"""`FeedViewSet`: its place in the menu, its URLs, its registered policy, and nothing in the group editor."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.permissions import policy_registry

from calendars.forms import FeedForm
from calendars.models import Feed
from calendars.permissions import FeedPermissionPolicy
from calendars.viewsets import feed_viewset
from events.viewsets import atelier_viewset
from network import domain
from tests.factories import StructureFactory, UserFactory


def test_menu_item_comes_right_after_the_ateliers(client, db):
    editor = UserFactory()
    domain.add_member(structure=StructureFactory(), user=editor)
    client.force_login(editor)

    sidebar = client.get("/admin/").content.decode()

    assert feed_viewset.menu_order == atelier_viewset.menu_order + 1
    assert str(feed_viewset.menu_label) == "Calendriers synchronisés"
    assert reverse("calendriers:index") in sidebar


def test_the_feed_policy_is_registered_for_feeds():
    assert isinstance(policy_registry.get_by_type(Feed), FeedPermissionPolicy)


def test_the_viewset_uses_the_feed_form():
    assert feed_viewset.get_form_class() is FeedForm
    assert feed_viewset.get_form_class(for_update=True) is FeedForm


def test_the_calendars_own_steps_are_views_of_the_viewset():
    names = {
        "index": [],
        "add": [],
        "edit": [1],
        "delete": [1],
        "inspect": [1],
        "history": [1],
        "preview": [1],
        "activate": [1],
        "deactivate": [1],
        "sync": [1],
        "detach": [1],
    }
    urls = {name: reverse(feed_viewset.get_url_name(name), args=args) for name, args in names.items()}

    assert all(url.startswith("/admin/calendriers/") for url in urls.values())
    assert urls["preview"] == "/admin/calendriers/1/apercu/"
    assert urls["detach"] == "/admin/calendriers/ateliers/1/detacher/"


def test_no_feed_permission_is_offered_in_the_group_editor(db):
    registered = {
        permission.content_type.app_label
        for fn in hooks.get_hooks("register_permissions")
        for permission in fn()
    }

    assert "calendars" not in registered
    assert list(feed_viewset.get_permissions_to_register()) == []


def test_a_feed_links_to_its_admin_page(db):
    """Failure e-mails (`calendars.notify`) point at this page through Wagtail's admin URL finder."""
    feed = Feed.objects.create(structure=StructureFactory(), url="https://agenda.example/a")

    assert AdminURLFinder().get_edit_url(feed) == reverse("calendriers:edit", args=[feed.pk])
