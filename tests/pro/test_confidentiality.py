"""What belongs to the network's members never leaves for the public side: professionals-only ateliers and
structures' internal fields stay off every public page, feed, JSON and JSON-LD, whoever asks (anonymous,
signed in without a structure, or even a member: public pages are the same for everyone)."""

import pytest
from django.urls import reverse

from network import domain
from network.enums import MemberRole
from pro.models import CalendarToken
from tests.factories import UserFactory
from tests.pro.factories import ProAtelierFactory

SECRET_TITLE = "Formation confidentielle des médiateurs"
REFERRAL = "Appeler Sophie Interne au 06 99 99 99 99"
INTAKE = "Quatre rendez-vous CAF réservés chaque semaine"


@pytest.fixture
def secrets(territory):
    structure = territory["mediatheque"]
    structure.referral_contact = REFERRAL
    structure.intake_capacity = INTAKE
    structure.save_revision().publish()
    atelier = ProAtelierFactory(structure=structure, title=SECRET_TITLE)
    return {"structure": structure, "bassin": territory["bourges"], "atelier": atelier}


def public_urls(secrets) -> list[str]:
    structure, bassin = secrets["structure"], secrets["bassin"]
    return [
        "/",
        reverse("network:directory"),
        reverse("network:directory") + "?q=Sophie",
        bassin.url,
        structure.url,
        reverse("events:agenda"),
        reverse("events:agenda") + "?vue=mois",
        reverse("events:bassin_agenda", kwargs={"slug": bassin.slug}),
        reverse("events:structure_agenda", kwargs={"slug": structure.slug}),
        reverse("events:agenda_json"),
        reverse("events:agenda_json") + f"?structure={structure.slug}",
        reverse("events:agenda_ics"),
        reverse("events:bassin_ics", kwargs={"slug": bassin.slug}),
        reverse("events:structure_ics", kwargs={"slug": structure.slug}),
        reverse("events:widget") + f"?structure={structure.slug}",
        reverse("network:join_structure", kwargs={"slug": structure.slug}),
    ]


def visitors(territory):
    return {
        "anonymous": None,
        "signed_in_non_member": UserFactory(),
        "member": territory["member"],
    }


@pytest.mark.parametrize("visitor", ["anonymous", "signed_in_non_member", "member"])
def test_public_pages_and_feeds_never_show_pro_content(client, territory, secrets, visitor):
    user = visitors(territory)[visitor]
    if user is not None:
        client.force_login(user)

    for url in public_urls(secrets):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code in (200, 302), url
        for secret in (SECRET_TITLE, REFERRAL, INTAKE):
            assert secret not in body, (url, secret)


def test_structure_page_json_ld_has_no_internal_field(client, secrets):
    body = client.get(secrets["structure"].url).content.decode()

    json_ld = body.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "Médiathèque de Bourges" in json_ld
    assert "Sophie" not in json_ld and "rendez-vous CAF" not in json_ld


@pytest.mark.parametrize("visitor", ["anonymous", "signed_in_non_member"])
def test_pro_atelier_page_and_ics_are_404(client, territory, secrets, visitor):
    user = visitors(territory)[visitor]
    if user is not None:
        client.force_login(user)
    pk = secrets["atelier"].pk

    assert client.get(reverse("events:atelier", kwargs={"pk": pk})).status_code == 404
    assert client.get(reverse("events:atelier_ics", kwargs={"pk": pk})).status_code == 404


def test_signed_in_non_member_gets_no_pro_content_anywhere_in_pro_area(client, territory, secrets):
    client.force_login(UserFactory())

    for name in ("pro:home", "pro:agenda", "pro:structures", "pro:directory"):
        response = client.get(reverse(name))
        body = response.content.decode()
        assert response.status_code == 403
        assert SECRET_TITLE not in body and REFERRAL not in body and INTAKE not in body


def test_non_member_token_gets_nothing(client, territory, secrets):
    token = CalendarToken.objects.create(user=UserFactory())

    assert client.get(reverse("pro:agenda_feed", kwargs={"token": token.token})).status_code == 404


def test_member_sees_pro_content_in_pro_area_and_private_feed(client, territory, secrets):
    client.force_login(territory["member"])
    token = CalendarToken.objects.create(user=territory["member"])

    agenda = client.get(reverse("pro:agenda")).content.decode()
    structures = client.get(reverse("pro:structures")).content.decode()
    feed = client.get(reverse("pro:agenda_feed", kwargs={"token": token.token})).content.decode()

    assert SECRET_TITLE in agenda
    assert REFERRAL in structures and INTAKE in structures
    assert SECRET_TITLE in feed


def test_member_who_leaves_loses_pro_content(client, territory, secrets):
    member = territory["member"]
    token = CalendarToken.objects.create(user=member)
    client.force_login(member)
    domain.remove_member(structure=secrets["structure"], user=member)
    domain.add_member(structure=territory["pij"], user=member, role=MemberRole.BENEVOLE)

    agenda = client.get(reverse("pro:agenda")).content.decode()
    structures = client.get(reverse("pro:structures")).content.decode()
    feed = client.get(reverse("pro:agenda_feed", kwargs={"token": token.token})).content.decode()

    assert SECRET_TITLE not in agenda and SECRET_TITLE not in feed
    assert REFERRAL not in structures
