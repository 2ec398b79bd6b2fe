"""Admin wiring: the outbox for superusers only, the menu link to the professional pages."""

import pytest
from django.urls import reverse

from programmes.models import Notification
from tests.factories import StructureFactory, UserFactory

from .factories import editor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_email():
    return Notification.objects.create(
        key="test:1", reason="test", email="a@exemple.fr", subject="Rappel", body_text="…", status="echec"
    )


def test_superusers_see_the_outbox_and_may_set_a_failed_email_back(client, failed_email):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    listing = client.get(reverse("programme_notifications:index"))
    edit = client.post(reverse("programme_notifications:edit", args=[failed_email.pk]), {"status": "attente"})

    assert listing.status_code == 200
    assert "Rappel" in listing.text
    assert edit.status_code == 302
    failed_email.refresh_from_db()
    assert failed_email.status == "attente"


def test_structure_editors_do_not_see_the_outbox_but_get_the_programmes_link(client, failed_email):
    client.force_login(editor_of(StructureFactory()))

    assert client.get(reverse("programme_notifications:index")).status_code in (302, 403)
    assert client.get(reverse("programme_notifications:add")).status_code in (302, 403, 404)
    assert reverse("programmes:cycles") in client.get(reverse("wagtailadmin_home")).text
