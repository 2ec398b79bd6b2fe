"""« Envoyer à la personne »: the e-mail through the outbox (French, once, retried, bounded), the SMS text."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import enums
from events.models import Occurrence
from outbox.models import Message, MessageStatus
from outbox.sending import send_due
from pro.referral import (
    MAX_PLACES,
    TooManyEmails,
    chosen_places,
    chosen_sessions,
    is_token,
    new_token,
    send_by_email,
    sms_body,
)
from tests.factories import AtelierFactory

from .factories import ProAtelierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def choice(territory):
    mediatheque = territory["mediatheque"]
    mediatheque.telephone = ["02 48 00 00 00"]
    mediatheque.horaires = "Mo-Fr 09:00-12:00"
    mediatheque.adresse = "1 boulevard Lamarck"
    mediatheque.code_postal = "18000"
    mediatheque.save_revision().publish()
    atelier = AtelierFactory(structure=territory["pij"], title="Smartphone pour débuter")
    return {
        "places": chosen_places([str(mediatheque.pk)]),
        "sessions": chosen_sessions([str(Occurrence.objects.get(atelier=atelier).pk)]),
    }


def test_the_email_is_french_with_the_places_and_ateliers_and_sent_by_the_outbox(territory, choice):
    token = new_token()
    message = send_by_email(
        sender=territory["member"],
        to="personne@exemple.fr",
        token=token,
        search_url="/recherche/?q=mail",
        **choice,
    )

    assert message.subject == "Où être aidé avec le numérique : les adresses préparées par Inès Aubert"
    assert message.user is None
    assert message.expires_at is not None
    for text in (message.body_text, message.body_html):
        assert "Inès Aubert a préparé pour vous ces adresses" in text
        assert "Médiathèque de Bourges" in text
        assert "1 boulevard Lamarck, 18000 Bourges" in text
        assert "02 48 00 00 00" in text
        assert "Smartphone pour débuter" in text
        assert "14 h – 16 h" in text
        assert "/recherche/?q=mail" in text

    assert send_due()["sent"] == 1
    assert [sent.to for sent in mail.outbox] == [["personne@exemple.fr"]]
    assert Message.objects.get().status == MessageStatus.SENT


def test_the_same_form_never_sends_twice(territory, choice):
    token = new_token()
    first = send_by_email(sender=territory["member"], to="personne@exemple.fr", token=token, **choice)
    again = send_by_email(sender=territory["member"], to="personne@exemple.fr", token=token, **choice)

    assert first is not None
    assert again is None
    assert Message.objects.count() == 1


def test_a_member_sends_at_most_the_hourly_share(territory, choice, settings):
    settings.MAILLAGE_REFERRAL_EMAILS_PER_HOUR = 2
    member = territory["member"]
    for _index in range(2):
        send_by_email(sender=member, to="personne@exemple.fr", token=new_token(), **choice)

    with pytest.raises(TooManyEmails):
        send_by_email(sender=member, to="personne@exemple.fr", token=new_token(), **choice)

    # An hour later, the share is back.
    later = timezone.now() + timedelta(hours=1, minutes=1)
    assert send_by_email(sender=member, to="autre@exemple.fr", token=new_token(), now=later, **choice)


def test_chosen_items_keep_what_exists_and_is_ahead_and_are_bounded(territory):
    pij = territory["pij"]
    past = AtelierFactory(structure=pij, start_date=timezone.localdate() - timedelta(days=3))
    pro_only = ProAtelierFactory(structure=pij, title="Réunion du réseau")
    past_pk = Occurrence.objects.get(atelier=past).pk
    pro_pk = Occurrence.objects.get(atelier=pro_only).pk

    sessions = chosen_sessions([str(past_pk), str(pro_pk), "abc", "-1", str(pro_pk)])
    places = chosen_places([str(pij.pk), "999999", "1; DROP", str(territory["mediatheque"].pk)])

    assert [session.pk for session in sessions] == [pro_pk]
    assert [place.title for place in places] == ["Médiathèque de Bourges", "PIJ de Vierzon"]
    # Only the first MAX_PLACES ids are read: a place ticked after them is left out.
    unknown = [str(pk) for pk in range(10**6, 10**6 + MAX_PLACES)]
    assert chosen_places([*unknown, str(pij.pk)]) == []


def test_a_cancelled_session_is_never_sent(territory):
    atelier = AtelierFactory(structure=territory["pij"], status=enums.Status.CANCELLED)

    assert chosen_sessions([str(Occurrence.objects.get(atelier=atelier).pk)]) == []


def test_tokens_are_long_and_plain():
    assert is_token(new_token())
    assert not is_token("")
    assert not is_token("court")
    assert not is_token("x" * 30 + "/../")


def test_sms_text_is_short_with_a_few_names_and_the_public_address(territory, choice, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://maillage.example"

    body = sms_body(search_url="/recherche/?q=smartphone&pres=Vierzon", **choice)

    assert body == (
        "Maillage – pour être aidé avec le numérique : Médiathèque de Bourges, Smartphone pour débuter. "
        "Adresses et horaires : https://maillage.example/recherche/?q=smartphone&pres=Vierzon"
    )
    assert sms_body(places=[], sessions=[], search_url="/recherche/") == (
        "Maillage – pour être aidé avec le numérique, les lieux près de chez vous : "
        "https://maillage.example/recherche/"
    )
