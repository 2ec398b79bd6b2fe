"""The mediators' network end to end, in a real browser and through a real SMTP server on 127.0.0.1.

A newcomer signs up and confirms the address from the e-mail the sink received, asks to join her
structure, is accepted by its responsable (in her own browser), sets her weekly-letter preferences and opens
the preview of her next letter; axe-core on each page she sees.
"""

import re

import pytest

from network.enums import MemberRole
from network.models import Membership
from tests.factories import PASSWORD, BassinFactory, StructureFactory, verify_email
from tests.pro.factories import make_member

pytestmark = pytest.mark.browser

NEW_PASSWORD = "un-nouveau-mot-de-passe-solide"


def log_in(page, site, email, password):
    page.goto(site.url + "/comptes/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def mail_body(sink, address: str, subject_part: str) -> str:
    """The text of the last message to `address` whose subject holds `subject_part`."""
    for item in reversed(sink.received):
        if address in item.rcpt_tos and subject_part in item.message["Subject"]:
            return item.message.get_body(preferencelist=("plain",)).get_content()
    raise AssertionError(
        f"no message « {subject_part} » to {address}: {[m.message['Subject'] for m in sink.received]}"
    )


def test_newcomer_joins_is_accepted_and_sets_her_letter(page, browser, site, smtp_sink, settings, axe_check):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # e-mails sent by tasks go out at once, through the sink
    bassin = BassinFactory(title="Bassin de vie de Vierzon", slug="vierzon")
    structure = StructureFactory(bassin=bassin, title="Médiathèque de Vierzon", slug="mediatheque-vierzon")
    responsable = verify_email(
        make_member(structure, role=MemberRole.RESPONSABLE, email="responsable@exemple.fr", first_name="Lou")
    )

    # Sign up, confirm the address with the link received by the SMTP server.
    page.goto(site.url + "/comptes/signup/")
    page.get_by_label("Adresse e-mail").fill("awa@exemple.fr")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/comptes/confirm-email/")
    body = mail_body(smtp_sink, "awa@exemple.fr", "adresse")
    link = re.search(r"https?://[^/\s]+(/comptes/confirm-email/\S+)", body).group(1)
    page.goto(site.url + link)
    axe_check(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    log_in(page, site, "awa@exemple.fr", NEW_PASSWORD)
    page.wait_for_url(site.url + "/")

    # Ask to join the structure.
    page.goto(site.url + structure.url)
    page.get_by_role("link", name="Rejoindre cette structure").click()
    page.wait_for_url("**/structures/mediatheque-vierzon/rejoindre/")
    axe_check(page)
    page.get_by_label("Médiateur·rice").check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_selector("text=Votre demande est envoyée")
    assert "awa@exemple.fr" in mail_body(smtp_sink, "responsable@exemple.fr", "Demande pour rejoindre")

    # The responsable accepts, in her own browser.
    other = browser.new_context(locale="fr-FR")
    decider = other.new_page()
    log_in(decider, site, responsable.email, PASSWORD)
    decider.goto(site.url + "/pro/demandes/")
    axe_check(decider)
    decider.get_by_role("button", name="Accepter la demande de awa@exemple.fr").click()
    decider.wait_for_load_state()
    other.close()
    assert Membership.objects.get(user__email="awa@exemple.fr").structure == structure
    assert mail_body(smtp_sink, "awa@exemple.fr", "Bienvenue dans « Médiathèque de Vierzon »")

    # Now a member: the letter's preferences, then the preview of her next letter.
    page.goto(site.url + "/lettre/preferences/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ma lettre hebdomadaire"
    axe_check(page)
    page.get_by_label("Chaque semaine, le lundi matin").check()
    page.get_by_label("Bassin de vie de Vierzon").check()
    page.get_by_role("button", name="Enregistrer mes préférences").click()
    page.wait_for_load_state()
    assert page.get_by_label("Bassin de vie de Vierzon").is_checked()

    page.goto(site.url + "/lettre/apercu/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Vierzon" in page.content()
