"""The demo territory: five bassins and their 85 structures from the field study, plus demo accounts.

The facts come from `network/fixtures/demo_territory.json`, the project's own copy of the field study (never
read from outside the project at run time). Loading is idempotent: bassins and structures are matched by
slug and left untouched when they exist, so that running it again — or after someone edited a demo page —
changes nothing.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Site

from . import domain
from .demo_people import DEMO_PEOPLE, ensure_profile
from .enums import MemberRole
from .models import BassinPage, Coordination, Membership, StructurePage

DEMO_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "demo_territory.json"
DEMO_SOURCE = "Maillage — démo (étude « Médiation numérique pour tous »)"
DEMO_PASSWORD_DEFAULT = "maillage-demo"

# Who can log in to the demo, and what they may do. The e-mail domain is reserved (.localhost).
DEMO_EDITOR = {
    "email": "editeur.meli@demo.maillage.localhost",
    "first_name": "Inès",
    "structure": "issoudun-meli",
}
DEMO_EDITOR_OTHER = {
    "email": "editeur.vierzon@demo.maillage.localhost",
    "first_name": "Hugo",
    "structure": None,  # the first structure of the Vierzon bassin, see `_demo_accounts`
}
DEMO_COORDINATOR = {
    "email": "coordination.bourges@demo.maillage.localhost",
    "first_name": "Claire",
    "bassin": "bourges",
}

BASSIN_FIELDS = (
    "departements",
    "area_km2",
    "communes_count",
    "population",
    "density_per_km2",
    "main_commune",
)
STRUCTURE_LIST_FIELDS = (
    "typologie",
    "itinerance",
    "services",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "labels_regionaux",
    "modalites_acces",
    "modalites_accompagnement",
)


@dataclass
class DemoReport:
    bassins_created: int = 0
    structures_created: int = 0
    accounts_created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.bassins_created or self.structures_created or self.accounts_created)


def read_fixture(path: Path = DEMO_FIXTURE) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _bassin_fields(data: dict) -> dict:
    fields = {name: data.get(name) for name in BASSIN_FIELDS}
    fields["departements"] = data.get("departements") or []
    fields["main_commune"] = data.get("main_commune") or ""
    fields["latitude"], fields["longitude"] = data.get("latitude"), data.get("longitude")
    fields["introduction"] = "".join(f"<p>{para}</p>" for para in _paragraphs(data.get("introduction", "")))
    return fields


def _paragraphs(text: str) -> list[str]:
    return [escape(part.strip()) for part in text.split("\n\n") if part.strip()]


def _structure_fields(data: dict) -> dict:
    equipment = data.get("equipment") or {}
    status = {"active": "active", "project": "project", "closed": "closed"}.get(data.get("status"), "active")
    fields = {name: data.get(name) or [] for name in STRUCTURE_LIST_FIELDS}
    fields.update(
        commune=data["commune"],
        latitude=data.get("latitude"),
        longitude=data.get("longitude"),
        status=status,
        horaires=data.get("horaires") or "",
        presentation_resume=data.get("presentation_resume") or "",
        presentation_detail=data.get("presentation_detail") or "",
        computers=equipment.get("computers"),
        laptops=equipment.get("laptops"),
        tablets=equipment.get("tablets"),
        has_printer=equipment.get("printer"),
        has_free_wifi=equipment.get("free_wifi"),
        equipment_note=equipment.get("note") or "",
        structure_parente=data.get("structure_parente") or "",
        receives_public=data.get("receives_public", True),
        waiting_list=data.get("waiting_list") or "",
        source=DEMO_SOURCE,
    )
    fields["stops"] = [
        {"commune": stop["commune"], "latitude": stop.get("latitude"), "longitude": stop.get("longitude")}
        for stop in data.get("stops") or []
    ]
    return fields


def _demo_user(email: str, first_name: str, password: str, report: DemoReport, last_name: str = "(démo)"):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=email, defaults={"email": email, "first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
        report.accounts_created.append(email)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _demo_accounts(report: DemoReport, password: str) -> None:
    meli = StructurePage.objects.filter(slug=DEMO_EDITOR["structure"]).first()
    vierzon = BassinPage.objects.filter(slug="vierzon").first()
    other = StructurePage.objects.child_of(vierzon).order_by("title").first() if vierzon else None
    bourges = BassinPage.objects.filter(slug=DEMO_COORDINATOR["bassin"]).first()

    for account, structure in ((DEMO_EDITOR, meli), (DEMO_EDITOR_OTHER, other)):
        if structure is None:
            continue
        user = _demo_user(account["email"], account["first_name"], password, report)
        if not Membership.objects.filter(user=user, structure=structure).exists():
            domain.add_member(structure=structure, user=user, role=MemberRole.EDITOR)
    if bourges is not None:
        user = _demo_user(DEMO_COORDINATOR["email"], DEMO_COORDINATOR["first_name"], password, report)
        if not Coordination.objects.filter(user=user, bassin=bourges).exists():
            domain.add_coordinator(bassin=bourges, user=user)


def _demo_people(report: DemoReport, password: str) -> None:
    """The members of `demo_people.DEMO_PEOPLE`, in their structures, with their profiles (see there).

    They are named by their profile only (no first or last name): the directory shows the role and the place.
    """
    structures = {page.slug: page for page in StructurePage.objects.all()}
    for person in DEMO_PEOPLE:
        theirs = [structures[slug] for slug in person.structures if slug in structures]
        if not theirs:
            continue
        user = _demo_user(person.email, "", password, report, last_name="")
        ensure_profile(user, person)
        for structure in theirs:
            if not Membership.objects.filter(user=user, structure=structure).exists():
                domain.add_member(structure=structure, user=user, role=person.role)


@transaction.atomic
def load_demo_territory(*, fixture: Path = DEMO_FIXTURE, accounts: bool = True, password: str | None = None):
    """Create what is missing of the demo territory; return what was created."""
    data = read_fixture(fixture)
    report = DemoReport()
    # The default site's root is the home page, where bassins live (`BassinPage.parent_page_types`).
    home = Site.objects.get(is_default_site=True).root_page

    bassins = {}
    for item in data["bassins"]:
        bassin = BassinPage.objects.filter(slug=item["slug"]).first()
        if bassin is None:
            bassin = domain.create_bassin(
                home=home, title=item["name"], slug=item["slug"], **_bassin_fields(item)
            )
            report.bassins_created += 1
        bassins[item["slug"]] = bassin

    existing = set(StructurePage.objects.values_list("slug", flat=True))
    for item in data["structures"]:
        if item["slug"] in existing:
            continue
        domain.create_structure(
            bassin=bassins[item["bassin"]], title=item["name"], slug=item["slug"], **_structure_fields(item)
        )
        report.structures_created += 1

    if accounts:
        password = password or os.environ.get("MAILLAGE_DEMO_PASSWORD", DEMO_PASSWORD_DEFAULT)
        _demo_accounts(report, password)
        _demo_people(report, password)
    return report


def describe(report: DemoReport) -> str:
    if not report.changed:
        return _("Territoire de démonstration déjà en place : rien à faire.")
    bassins = ngettext("%(count)d bassin créé", "%(count)d bassins créés", report.bassins_created)
    structures = ngettext(
        "%(count)d structure créée", "%(count)d structures créées", report.structures_created
    )
    accounts = ngettext("%(count)d compte créé", "%(count)d comptes créés", len(report.accounts_created))
    return _("Territoire de démonstration : %(bassins)s, %(structures)s, %(accounts)s.") % {
        "bassins": bassins % {"count": report.bassins_created},
        "structures": structures % {"count": report.structures_created},
        "accounts": accounts % {"count": len(report.accounts_created)},
    }
