"""Fixtures of the open data tests: structures filled in on every field of the national schema."""

import pytest

from tests.factories import BassinFactory, StructureFactory

FULL_FIELDS = {
    "pivot": "W181000123",
    "commune": "Vierzon",
    "code_postal": "18100",
    "code_insee": "18279",
    "adresse": "2 rue de la Gare",
    "complement_adresse": "1er étage",
    "latitude": 47.2213,
    "longitude": 2.0689,
    "typologie": ["BIB", "MUNI"],
    "telephone": ["02 48 00 00 00"],
    "courriels": ["contact@mediatheque-vierzon.fr", "epn@mediatheque-vierzon.fr"],
    "site_web": ["https://mediatheque-vierzon.fr/"],
    "horaires": "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00",
    "presentation_detail": "Postes en accès libre et aide aux démarches.",
    "structure_parente": "Ville de Vierzon",
    "itinerance": ["Fixe"],
    "services": ["Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien"],
    "publics_specifiquement_adresses": ["Seniors"],
    "prise_en_charge_specifique": ["Langues étrangères (anglais)"],
    "frais_a_charge": ["Gratuit"],
    "dispositif_programmes_nationaux": ["Conseillers numériques", "France Services"],
    "formations_labels": ["Formé à « Mon Espace Santé »"],
    "autres_formations_labels": "Label et la bête",
    "modalites_acces": ["Se présenter", "Téléphoner"],
    "modalites_accompagnement": ["Accompagnement individuel", "Dans un atelier collectif"],
    "fiche_acces_libre": "https://acceslibre.beta.gouv.fr/app/erp/mediatheque-vierzon/",
    "prise_rdv": "https://rdv.example.fr/vierzon",
}


@pytest.fixture
def bassin(db):
    return BassinFactory(title="Vierzon", slug="vierzon", latitude=47.22, longitude=2.07)


@pytest.fixture
def full_structure(bassin):
    return StructureFactory(
        bassin=bassin, title="Médiathèque de Vierzon", slug="mediatheque-vierzon", **FULL_FIELDS
    )


@pytest.fixture(autouse=True)
def no_mfa_requirement(settings):
    """Admin uploads are tested here, not two-factor authentication (accounts app)."""
    settings.MAILLAGE_MFA_REQUIRED = False
