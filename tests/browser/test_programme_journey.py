"""A cycle end to end, in two real browsers and through a real SMTP server on 127.0.0.1.

A structure's editor proposes a contribution to the Human Tech Days; the cycle's coordinator asks for a
change; the editor edits and sends it again; the coordinator accepts it; the public programme and the host's
agenda then show it. axe-core on every page of the journey.
"""

from datetime import timedelta

import pytest

from programmes.models import Contribution
from tests.browser.test_network_journey import log_in, mail_body
from tests.factories import PASSWORD, BassinFactory, StructureFactory, UserFactory, verify_email
from tests.programmes.factories import CycleFactory, editor_of

pytestmark = pytest.mark.browser


def test_propose_change_accept_then_public_programme(page, browser, site, smtp_sink, settings, axe_check):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the workflow's e-mails go out at once, through the sink
    bassin = BassinFactory(title="Bassin de vie d'Issoudun", slug="issoudun")
    host = StructureFactory(bassin=bassin, title="MELI Issoudun", slug="meli-issoudun", commune="Issoudun")
    editor = verify_email(editor_of(host, UserFactory(email="ines@exemple.fr", first_name="Inès")))
    regional = verify_email(UserFactory(email="nadia@exemple.fr", first_name="Nadia"))
    cycle = CycleFactory(title="Human Tech Days 2027", slug="human-tech-days-2027", coordinators=[regional])
    day = cycle.start_date + timedelta(days=2)

    # The editor proposes.
    log_in(page, site, editor.email, PASSWORD)
    page.goto(site.url + "/pro/programmes/")
    axe_check(page)
    page.get_by_role("link", name="Proposer une contribution").first.click()
    page.wait_for_url("**/proposer/")
    page.get_by_label("Titre").fill("Ma première visio")
    page.get_by_label("Résumé").fill("Appeler sa famille en visio depuis son téléphone.")
    page.get_by_label("Maîtrise des outils numériques du quotidien").check()
    page.get_by_label("Seniors").check()
    page.locator("#id_date_1").fill(day.isoformat())
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_label("Heure de fin").fill("16:00")
    axe_check(page)
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url("**/pro/programmes/contributions/*/")
    contribution = Contribution.objects.get()
    assert contribution.state == "proposee"
    assert "Ma première visio" in mail_body(smtp_sink, regional.email, "Nouvelle proposition")

    # The coordinator asks for a change, in her own browser.
    other = browser.new_context(locale="fr-FR")
    coordinator = other.new_page()
    log_in(coordinator, site, regional.email, PASSWORD)
    coordinator.goto(f"{site.url}/pro/programmes/{cycle.slug}/examen/")
    axe_check(coordinator)
    coordinator.get_by_role("link", name="Ma première visio").first.click()
    coordinator.wait_for_url(f"**/pro/programmes/contributions/{contribution.pk}/")
    axe_check(coordinator)
    coordinator.locator("#message-request_changes").fill("Précisez que des tablettes sont prêtées.")
    coordinator.get_by_role("button", name="Demander des modifications").click()
    coordinator.wait_for_selector("text=La demande de modifications est envoyée")
    assert "tablettes sont prêtées" in mail_body(smtp_sink, editor.email, "Modifications demandées")

    # The editor edits and sends it again.
    page.goto(f"{site.url}/pro/programmes/contributions/{contribution.pk}/")
    page.get_by_role("link", name="Modifier la contribution").click()
    page.get_by_label("Titre").fill("Ma première visio (tablettes prêtées)")
    page.get_by_role("button", name="Enregistrer et renvoyer").click()
    page.wait_for_url(f"**/pro/programmes/contributions/{contribution.pk}/")
    contribution.refresh_from_db()
    assert contribution.state == "proposee"

    # The coordinator accepts.
    coordinator.goto(f"{site.url}/pro/programmes/contributions/{contribution.pk}/")
    coordinator.get_by_role("button", name="Accepter la contribution").click()
    coordinator.wait_for_selector("text=La contribution est acceptée")
    other.close()
    contribution.refresh_from_db()
    assert contribution.state == "acceptee"
    assert "retenue" in mail_body(smtp_sink, editor.email, "retenue")

    # The public sees it in the programme and in the host's agenda.
    public = browser.new_context(locale="fr-FR")
    visitor = public.new_page()
    visitor.goto(site.url + cycle.url)
    axe_check(visitor)
    assert visitor.get_by_role("link", name="Ma première visio (tablettes prêtées)").count() >= 1
    visitor.goto(f"{site.url}/structures/{host.slug}/agenda/")
    axe_check(visitor)
    assert visitor.get_by_role("link", name="Ma première visio (tablettes prêtées)").count() >= 1
    public.close()
