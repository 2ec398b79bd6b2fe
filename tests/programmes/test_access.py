"""The programmes' pages open to members and to the cycles' coordinators, even without a structure."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

from .factories import CycleFactory

pytestmark = pytest.mark.django_db


def test_a_cycle_coordinator_without_structure_opens_review_and_coverage(client):
    regional = UserFactory()
    cycle = CycleFactory(coordinators=[regional])
    client.force_login(regional)

    statuses = [
        client.get(reverse(name, kwargs={"slug": cycle.slug})).status_code
        for name in ("programmes:review", "programmes:coverage", "programmes:cycle")
    ]

    assert statuses == [200, 200, 200]
    assert client.get(reverse("programmes:cycles")).status_code == 200


def test_a_signed_in_person_with_no_role_gets_the_join_page(client):
    cycle = CycleFactory()
    client.force_login(UserFactory())

    response = client.get(reverse("programmes:review", kwargs={"slug": cycle.slug}))

    assert response.status_code == 403
    assert "pro/not_member.html" in [template.name for template in response.templates]


def test_anonymous_visitors_are_sent_to_login(client):
    cycle = CycleFactory()

    response = client.get(reverse("programmes:cycle", kwargs={"slug": cycle.slug}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
