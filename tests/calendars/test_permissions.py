"""`FeedPermissionPolicy`, `manageable_feeds`: a calendar's rights follow its structure, like an atelier's."""

import pytest
from django.contrib.auth.models import AnonymousUser

from calendars.models import Feed
from calendars.permissions import FeedPermissionPolicy, manageable_feeds

policy = FeedPermissionPolicy(Feed)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("editor", {"meli"}),
        ("coordinator", {"meli", "ruches"}),
        ("superuser", {"meli", "ruches", "mediatheque"}),
        ("nobody", set()),
    ],
)
def test_manageable_feeds_follow_the_structures_the_user_manages(network, who, expected):
    user = getattr(network, who)

    feeds = manageable_feeds(user)

    assert set(feeds) == {network.feeds[slug] for slug in expected}
    assert set(policy.instances_user_has_any_permission_for(user, ["change"])) == set(feeds)


def test_anonymous_and_inactive_users_manage_no_feed(network):
    network.editor.is_active = False

    assert list(manageable_feeds(AnonymousUser())) == []
    assert list(manageable_feeds(network.editor)) == []
    assert policy.user_has_permission(AnonymousUser(), "add") is False
    assert policy.user_has_permission(network.editor, "change") is False


@pytest.mark.parametrize("action", ["add", "change", "delete", "view"])
def test_model_level_actions_go_to_people_who_manage_a_structure(network, action):
    assert policy.user_has_permission(network.editor, action) is True
    assert policy.user_has_permission(network.coordinator, action) is True
    assert policy.user_has_permission(network.superuser, action) is True
    assert policy.user_has_permission(network.nobody, action) is False


def test_an_unknown_action_is_never_granted(network):
    assert policy.user_has_permission(network.superuser, "publish") is False
    assert list(policy.instances_user_has_any_permission_for(network.superuser, ["publish"])) == []


@pytest.mark.parametrize(
    ("who", "slug", "allowed"),
    [
        ("editor", "meli", True),
        ("editor", "ruches", False),
        ("editor", "mediatheque", False),
        ("coordinator", "ruches", True),
        ("coordinator", "mediatheque", False),
        ("superuser", "mediatheque", True),
        ("nobody", "meli", False),
    ],
)
def test_instance_rights_follow_the_feeds_structure(network, who, slug, allowed):
    user, feed = getattr(network, who), network.feeds[slug]

    assert policy.user_has_permission_for_instance(user, "change", feed) is allowed
    assert policy.user_has_any_permission_for_instance(user, ["delete", "view"], feed) is allowed


def test_users_with_rights_on_a_feed_are_its_structures_managers(network):
    users = set(policy.users_with_any_permission_for_instance(["change"], network.feeds["ruches"]))

    assert network.coordinator in users and network.superuser in users
    assert network.editor not in users and network.nobody not in users
