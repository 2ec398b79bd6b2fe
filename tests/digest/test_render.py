"""The e-mail as received by an SMTP server: parts, headers, subject, links, accessibility basics."""

import datetime
import re

import pytest
from django.core import signing

from digest.delivery import plan_week, send_deliveries
from digest.render import (
    _subject,
    preview_token,
    read_preview_token,
    read_unsubscribe_token,
    unsubscribe_token,
)
from network.text import french_date
from tests.digest.factories import SubscriptionFactory, day_of, member_of
from tests.factories import AtelierFactory, StructureFactory, UserFactory


def header(message, name) -> str:
    """A header's value unfolded: Python folds long headers right after the colon."""
    return str(message[name]).strip()


@pytest.fixture
def received(week, mediatheque, bourges, smtp_sink):
    AtelierFactory(
        structure=mediatheque,
        title="Atelier tablette",
        start_date=day_of(week, 1),
        capacity=10,
        registration="telephone",
        registration_details="+33248000000",
    )
    subscription = SubscriptionFactory(user=UserFactory(email="lectrice@exemple.fr", first_name="Aïcha"))
    plan = plan_week(week=week)
    send_deliveries(week=week, delivery_ids=plan.delivery_ids)
    [message] = smtp_sink.messages
    return subscription, message


def test_message_has_a_plain_text_part_then_an_html_part(received):
    _subscription, message = received

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_parts_are_sent_as_8bit_without_lines_over_998_characters(received):
    """A longer line makes both the mail clients' job and ours (quoted-printable) harder."""
    _subscription, message = received

    assert [part["Content-Transfer-Encoding"] for part in message.iter_parts()] == ["8bit", "8bit"]


def test_subject_is_french_and_names_the_week(received, week):
    _subscription, message = received
    number = int(week.split("-W")[1])

    assert header(message, "Subject").startswith(f"Maillage, semaine {number} : vos ateliers du ")


def test_subject_writes_the_first_of_the_month_as_french_does():
    subject = _subject(9, datetime.date(2027, 3, 1), datetime.date(2027, 3, 14))

    assert subject == "Maillage, semaine 9 : vos ateliers du 1er mars au 14 mars 2027"


def test_list_unsubscribe_headers_follow_rfc_8058(received):
    subscription, message = received
    token = unsubscribe_token(subscription.pk)

    assert header(message, "List-Unsubscribe") == f"<http://127.0.0.1:8000/lettre/desabonnement/{token}/>"
    assert header(message, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    assert message["To"] == "lectrice@exemple.fr"
    assert header(message, "Message-ID").endswith("@127.0.0.1>")


def test_message_id_is_recorded_on_the_delivery(received):
    subscription, message = received

    assert subscription.deliveries.get().message_id == header(message, "Message-ID")


def test_html_is_self_contained_accessible_and_links_are_absolute(received):
    _subscription, message = received
    html = message.get_body(("html",)).get_content()

    assert '<html lang="fr"' in html
    assert "<h1" in html and "<h2" in html and "<h3" in html
    assert "<link" not in html and "<script" not in html and "<style" not in html
    assert re.findall(r"<img(?![^>]*alt=)", html) == []
    links = re.findall(r'href="([^"]+)"', html)
    assert links and all(link.startswith(("http://127.0.0.1:8000/", "tel:")) for link in links)
    assert "Voir dans le navigateur" in html


def test_plain_text_tells_places_and_how_to_register(received):
    _subscription, message = received
    text = message.get_body(("plain",)).get_content()

    assert "Bonjour Aïcha," in text
    assert "- 14 h – 16 h : Atelier tablette [Nouveau]" in text
    assert "  10 places restantes · Par téléphone : 02 48 00 00 00" in text
    assert "Se désabonner : http://127.0.0.1:8000/lettre/desabonnement/" in text


def test_tokens_are_signed_and_salted():
    token = unsubscribe_token(42)

    assert read_unsubscribe_token(token) == 42
    with pytest.raises(signing.BadSignature):
        read_preview_token(token)  # another salt: an unsubscribe token opens no letter
    with pytest.raises(signing.BadSignature):
        read_unsubscribe_token(token[:-2] + "xx")


def test_plain_text_letter_in_full(week, mediatheque, bourges, vierzon, smtp_sink):
    """Every section of a member's letter, in order: agenda by bassin and day, news, network events."""
    atelier = AtelierFactory(
        structure=mediatheque,
        title="Atelier tablette",
        start_date=day_of(week, 1),
        capacity=10,
        registration="telephone",
        registration_details="+33248000000",
    )
    formation = AtelierFactory(
        structure=mediatheque, title="Formation Pix", kind="formation", start_date=day_of(week, 3)
    )
    later = AtelierFactory(structure=mediatheque, title="Cycle d'été", start_date=day_of(week, 30))
    StructureFactory(bassin=bourges, title="Tiers-lieu du Val", slug="tiers-lieu", commune="Saint-Doulchard")
    StructureFactory(bassin=vierzon, title="Ailleurs", slug="ailleurs")
    reader = member_of(mediatheque, UserFactory(email="lea@exemple.fr", first_name="Léa"))
    subscription = SubscriptionFactory(user=reader, bassins=[bourges])
    send_deliveries(week=week, delivery_ids=plan_week(week=week).delivery_ids)
    [message] = smtp_sink.messages

    def day(offset, pattern="l j F"):
        return french_date(day_of(week, offset), pattern)

    number = int(week.split("-W")[1])
    base = "http://127.0.0.1:8000"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # as sent: CRLF
    assert text == (
        f"Maillage, semaine {number} : vos ateliers du {day(0, 'j F')} au {day(13, 'j F Y')}\n"
        f"Voir dans le navigateur : {base}/lettre/apercu/{preview_token(subscription.pk, week)}/\n"
        "\n"
        "Bonjour Léa,\n"
        "\n"
        f"Voici les ateliers de vos bassins du {day(0)} au {day(13, 'l j F Y')}, et ce qui a changé depuis "
        "votre dernière lettre.\n"
        "\n"
        "\n"
        "== Bassin de Bourges ==\n"
        "\n"
        f"{day(1).capitalize()}\n"
        "- 14 h – 16 h : Atelier tablette [Nouveau]\n"
        "  Médiathèque de Bourges, Bourges\n"
        "  10 places restantes · Par téléphone : 02 48 00 00 00\n"
        f"  {base}/ateliers/{atelier.pk}/\n"
        "\n"
        "\n"
        "== Depuis votre dernière lettre ==\n"
        "\n"
        "Nouveaux ateliers, plus loin dans l'agenda\n"
        f"- Cycle d'été — Médiathèque de Bourges, Bourges (à partir du {day(30)})\n"
        f"  {base}/ateliers/{later.pk}/\n"
        "\n"
        "Nouveaux lieux dans l'annuaire\n"
        "- Médiathèque de Bourges, Bourges\n"
        f"  {base}/bourges/mediatheque-bourges/\n"
        "- Tiers-lieu du Val, Saint-Doulchard\n"
        f"  {base}/bourges/tiers-lieu/\n"
        "\n"
        "\n"
        "== Événements du réseau (professionnels) ==\n"
        "\n"
        f"{day(3).capitalize()}\n"
        "- 14 h – 16 h : Formation Pix (formation) — Médiathèque de Bourges, Bourges\n"
        f"  {base}/ateliers/{formation.pk}/\n"
        "\n"
        "\n"
        "--\n"
        "Vous recevez cette lettre parce que vous avez un compte sur Maillage, le réseau de la médiation "
        "numérique en Centre-Val de Loire.\n"
        f"Choisir mes bassins, thèmes et publics : {base}/lettre/preferences/\n"
        f"Se désabonner : {base}/lettre/desabonnement/{unsubscribe_token(subscription.pk)}/\n"
    )
    html = message.get_body(("html",)).get_content()
    assert [heading in html for heading in ("Depuis votre dernière lettre", "Événements du réseau")] == [
        True,
        True,
    ]
