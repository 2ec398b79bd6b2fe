"""Admin wiring: the menu link to the professional pages (their e-mails: tests/outbox/test_admin.py)."""

import pytest
from django.urls import reverse

from tests.factories import StructureFactory

from .factories import editor_of

pytestmark = pytest.mark.django_db


def test_structure_editors_get_the_programmes_link(client):
    client.force_login(editor_of(StructureFactory()))

    assert reverse("programmes:cycles") in client.get(reverse("wagtailadmin_home")).text
