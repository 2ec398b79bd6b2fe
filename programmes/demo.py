"""The demo cycle: "Human Tech Days" of the coming spring on the demo territory, with a dozen contributions.

The Région has run the Human Tech Days since 2019 (about 70 labelled events a year, an inclusion day in April
in 2022 and 2024, work by bassin de vie). The demo edition is the first week of April that leaves at least
two months from today, so that its call for contributions is open whenever the demo is loaded; its
contributions cover every state of the workflow, and the Argenton-Le Blanc bassin is left without any active
one, so that the coverage dashboard shows a white zone. History lines are written directly (no e-mail goes
to demo addresses); accepted contributions are published through `programmes.publishing`, like real ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Site

from network.demo import DEMO_COORDINATOR, DEMO_EDITOR, DEMO_PASSWORD_DEFAULT
from network.models import BassinPage, StructurePage

from .enums import ContributionState as S
from .enums import EventKind
from .models import Contribution, ContributionEvent, CycleCoordinator, CyclePage
from .publishing import publish_contribution

DEMO_CYCLE_SLUG = "human-tech-days"
DEMO_REGION_COORDINATOR = {
    "email": "coordination.region@demo.maillage.localhost",
    "first_name": "Nadia",
}
OUTILS = "Maîtrise des outils numériques du quotidien"
DEMARCHES = "Aide aux démarches administratives"
SECURITE = "Utilisation sécurisée du numérique"
INSERTION = "Insertion professionnelle via le numérique"
PARENTALITE = "Parentalité et éducation avec le numérique"

# (host slug, title, summary, format, themes, publics, day offsets, start, end, state, co-organiser slugs,
#  message of the last step)
CONTRIBUTIONS = [
    (
        "issoudun-meli",
        "Ma première visio avec mes petits-enfants",
        "Installer une application de visio sur son téléphone et appeler sa famille, en petit groupe.",
        "atelier",
        [OUTILS],
        ["Seniors"],
        [1, 3],
        time(14),
        time(16),
        S.ACCEPTED,
        ["issoudun-mediatheque-albert-camus"],
        "",
    ),
    (
        "issoudun-mission-locale",
        "Candidater en ligne : CV et lettre sur smartphone",
        "Créer son CV sur son téléphone et l'envoyer à un employeur, avec l'aide d'une conseillère.",
        "atelier",
        [INSERTION],
        ["Jeunes"],
        [2],
        time(10),
        time(12),
        S.SUBMITTED,
        [],
        "",
    ),
    (
        "bourges-cyber-base-gibjoncs",
        "Démarches en ligne : la journée portes ouvertes",
        "Venez avec vos questions : impôts, CAF, retraite. Des médiateurs vous aident sur place, "
        "sans rendez-vous.",
        "portes_ouvertes",
        [DEMARCHES],
        ["Tous publics"],
        [0],
        time(9),
        time(17),
        S.ACCEPTED,
        ["bourges-ccas"],
        "",
    ),
    (
        "bourges-mediatheque",
        "Escape game : déjouer les arnaques en ligne",
        "Un jeu en équipe pour reconnaître les faux messages et protéger ses comptes.",
        "jeu",
        [SECURITE],
        ["Tous publics", "Jeunes"],
        [4],
        time(14),
        time(17),
        S.ACCEPTED,
        [],
        "",
    ),
    (
        "saint-doulchard-mediatheque",
        "Parents, écrans et enfants : on en parle",
        "Une soirée d'échange avec une éducatrice sur la place des écrans à la maison.",
        "conference",
        [PARENTALITE],
        ["Familles et/ou enfants"],
        [1],
        time(18, 30),
        time(20),
        S.CHANGES_REQUESTED,
        [],
        "Pouvez-vous préciser qui anime la soirée et s'il faut s'inscrire ?",
    ),
    (
        "bourges-bij",
        "Défi photo au smartphone",
        "Apprendre à cadrer et retoucher ses photos, puis les partager sans risque.",
        "atelier",
        [OUTILS],
        ["Jeunes"],
        [5],
        time(14),
        time(16),
        S.DRAFT,
        [],
        "",
    ),
    (
        "vierzon-mediatheque",
        "Tablette pas à pas",
        "Allumer, se repérer, installer une application : une découverte de la tablette, tablettes prêtées.",
        "atelier",
        [OUTILS],
        ["Seniors"],
        [0, 2, 4],
        time(10),
        time(11, 30),
        S.ACCEPTED,
        [],
        "",
    ),
    (
        "infolab-vierzon",
        "Réparer plutôt que jeter : atelier réparation d'ordinateurs",
        "Apportez votre ordinateur lent ou en panne : on cherche ensemble ce qui cloche.",
        "atelier",
        [OUTILS],
        ["Tous publics"],
        [3],
        time(14),
        time(18),
        S.SUBMITTED,
        [],
        "",
    ),
    (
        "salbris-france-services",
        "Permanence : votre espace France Travail",
        "Créer et utiliser son espace en ligne, avec un conseiller France Services.",
        "permanence",
        [DEMARCHES, INSERTION],
        ["Tous publics"],
        [1],
        time(9),
        time(12),
        S.WITHDRAWN,
        [],
        "Notre conseiller est absent cette semaine-là.",
    ),
    (
        "funlab-mame",
        "Initiation à l'impression 3D",
        "Découvrir la modélisation et imprimer un petit objet, en famille.",
        "demonstration",
        [OUTILS],
        ["Familles et/ou enfants", "Jeunes"],
        [5],
        time(10),
        time(12),
        S.ACCEPTED,
        ["espace-passerelles"],
        "",
    ),
    (
        "epn-la-riche",
        "Sécuriser son téléphone en une heure",
        "Mots de passe, mises à jour, sauvegardes : les bons réflexes sur son smartphone.",
        "atelier",
        [SECURITE],
        ["Seniors", "Tous publics"],
        [2],
        time(14),
        time(15),
        S.ACCEPTED,
        [],
        "",
    ),
    (
        "kaleidoscope-tiers-lieu",
        "Café numérique du tiers-lieu",
        "Un café pour parler de ses difficultés avec le numérique et trouver de l'aide près de chez soi.",
        "atelier",
        [OUTILS],
        ["Tous publics"],
        [3],
        time(10),
        time(12),
        S.DECLINED,
        [],
        "Le tiers-lieu est fermé cette semaine-là : proposons-le pour la prochaine édition.",
    ),
]


@dataclass
class DemoCycleReport:
    cycle_created: bool = False
    contributions_created: int = 0
    accounts_created: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if not self.cycle_created and not self.contributions_created:
            return _("Cycle de démonstration déjà en place : rien à faire.")
        return ngettext(
            "Cycle de démonstration « Human Tech Days » : %(count)d contribution créée.",
            "Cycle de démonstration « Human Tech Days » : %(count)d contributions créées.",
            self.contributions_created,
        ) % {"count": self.contributions_created}


def demo_week(today: date | None = None) -> date:
    """Monday of the first week of April at least 60 days ahead (the Human Tech Days' usual season)."""
    today = today or timezone.localdate()
    year = today.year if date(today.year, 4, 1) >= today + timedelta(days=60) else today.year + 1
    first = date(year, 4, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _region_coordinator(password: str, report: DemoCycleReport):
    email = DEMO_REGION_COORDINATOR["email"]
    user, created = get_user_model().objects.get_or_create(
        username=email,
        defaults={"email": email, "first_name": DEMO_REGION_COORDINATOR["first_name"], "last_name": "(démo)"},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
        report.accounts_created.append(email)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _cycle(report: DemoCycleReport) -> CyclePage:
    existing = CyclePage.objects.filter(slug__startswith=DEMO_CYCLE_SLUG).first()
    if existing:
        return existing
    monday = demo_week()
    today = timezone.localdate()
    cycle = CyclePage(
        title=f"Human Tech Days {monday.year}",
        slug=f"{DEMO_CYCLE_SLUG}-{monday.year}",
        edition=str(monday.year),
        theme="L'humain au cœur du numérique",
        start_date=monday,
        end_date=monday + timedelta(days=5),
        summary=(
            "Une semaine d'ateliers, de portes ouvertes et de jeux, partout dans la région, pour découvrir "
            "le numérique avec les lieux de médiation près de chez vous. Gratuit et ouvert à toutes et tous."
        ),
        description=(
            "<p>Depuis 2019, la Région Centre-Val de Loire réunit chaque année les acteurs qui placent "
            "l'humain au cœur du numérique. Médiathèques, espaces publics numériques, France Services, "
            "tiers-lieux, centres sociaux et points information jeunesse ouvrent leurs portes.</p>"
        ),
        call_opens=today - timedelta(days=14),
        call_closes=monday - timedelta(days=30),
        reminder_days=7,
        target_per_bassin=4,
    )
    # The default site's root is the home page, where cycles live (`HomePage.subpage_types`).
    Site.objects.get(is_default_site=True).root_page.add_child(instance=cycle)
    cycle.save_revision().publish()
    report.cycle_created = True
    return cycle


def _history(contribution: Contribution, *, state: str, editor, reviewer, message: str) -> None:
    """The history lines a real contribution in `state` would have (authors: the demo's people)."""
    lines = [(EventKind.CREATED, editor, "", S.DRAFT)]
    if state != S.DRAFT:
        lines.append((EventKind.SUBMITTED, editor, "", S.SUBMITTED))
    if state == S.CHANGES_REQUESTED:
        lines.append((EventKind.CHANGES_REQUESTED, reviewer, message, S.CHANGES_REQUESTED))
    elif state == S.ACCEPTED:
        lines.append((EventKind.ACCEPTED, reviewer, message, S.ACCEPTED))
    elif state == S.DECLINED:
        lines.append((EventKind.DECLINED, reviewer, message, S.DECLINED))
    elif state == S.WITHDRAWN:
        lines.append((EventKind.WITHDRAWN, editor, message, S.WITHDRAWN))
    start = timezone.now() - timedelta(days=len(lines) + 2)
    ContributionEvent.objects.bulk_create(
        ContributionEvent(
            contribution=contribution,
            kind=kind,
            author=author,
            message=text,
            state=after,
            created_at=start + timedelta(days=index, hours=index),
        )
        for index, (kind, author, text, after) in enumerate(lines)
    )


@transaction.atomic
def load_demo_cycle(*, accounts: bool = True, password: str | None = None) -> DemoCycleReport:
    """Create the demo cycle and its contributions if missing (idempotent: matched by title per cycle)."""
    report = DemoCycleReport()
    if not BassinPage.objects.exists():
        return report
    cycle = _cycle(report)
    user_model = get_user_model()
    regional = None
    if accounts:
        regional = _region_coordinator(
            password or os.environ.get("MAILLAGE_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT), report
        )
        CycleCoordinator.objects.get_or_create(cycle=cycle, user=regional)
    editor = user_model.objects.filter(email=DEMO_EDITOR["email"]).first()
    bourges_coordinator = user_model.objects.filter(email=DEMO_COORDINATOR["email"]).first()
    structures = {page.slug: page for page in StructurePage.objects.live().select_related("bassin")}
    existing = set(cycle.contributions.values_list("title", flat=True))
    for (
        slug,
        title,
        summary,
        kind,
        themes,
        publics,
        days,
        start,
        end,
        state,
        partners,
        message,
    ) in CONTRIBUTIONS:
        host = structures.get(slug)
        if host is None or title in existing:
            continue
        contribution = Contribution.objects.create(
            cycle=cycle,
            structure=host,
            title=title,
            summary=summary,
            format=kind,
            themes=themes,
            publics=publics,
            dates=[(cycle.start_date + timedelta(days=day)).isoformat() for day in days],
            start_time=start,
            end_time=end,
            state=state,
            created_by=editor if slug == DEMO_EDITOR["structure"] else None,
            submitted_at=None if state == S.DRAFT else timezone.now() - timedelta(days=3),
            decided_at=timezone.now() if state in (S.ACCEPTED, S.DECLINED) else None,
            is_demo=True,
        )
        contribution.co_organisers.set([structures[p] for p in partners if p in structures])
        reviewer = bourges_coordinator if host.bassin.slug == DEMO_COORDINATOR["bassin"] else regional
        _history(
            contribution, state=state, editor=contribution.created_by, reviewer=reviewer, message=message
        )
        if state == S.ACCEPTED:
            publish_contribution(contribution)
        report.contributions_created += 1
    return report
