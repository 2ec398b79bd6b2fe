"""Demo members of the network: the roles the field study describes, so that the professional directory shows
who works where (the study's « interconnaissance ») from the first login.

Nobody here is a real person: each account is named by its role and its place (« Médiatrice de la médiathèque
de Vierzon »), and every role is one the study reports for that structure (the four volunteers of Pôle emploi
Vierzon's digital space, the volunteer of Le Blanc's Wednesday workshops, the one animator who travels between
the Département du Cher's four EPNs…). They log in with the demo password, like the other demo accounts.

Loading is idempotent: accounts are matched by e-mail, memberships and profiles are created once and then left
as they are, so that a profile someone edited during a demonstration stays edited.
"""

from dataclasses import dataclass

from .enums import MemberRole
from .models import MemberProfile, ProfileVisibility

DEMO_PEOPLE_DOMAIN = "demo.maillage.localhost"

NETWORK = ProfileVisibility.NETWORK
BASSIN = ProfileVisibility.BASSIN


@dataclass(frozen=True)
class DemoPerson:
    """One demo member: where they work, in which role, and what their profile says."""

    key: str
    structures: tuple[str, ...]
    role: str
    display_name: str
    job_title: str
    topics: str
    can_help_with: str
    visibility: str = NETWORK

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_PEOPLE_DOMAIN}"


DEMO_PEOPLE = (
    # Bassin d'Issoudun
    DemoPerson(
        "mediatrice.meli",
        ("issoudun-meli",),
        MemberRole.MEDIATEUR,
        "Médiatrice de la MELI (Issoudun)",
        "Médiatrice numérique",
        "seniors, ateliers collectifs, wifi public",
        "Construire un programme d'ateliers avec les participant·es seniors.",
    ),
    DemoPerson(
        "mediateur.mediatheque-issoudun",
        ("issoudun-mediatheque-albert-camus",),
        MemberRole.MEDIATEUR,
        "Médiateur de l'EPN de la médiathèque Albert Camus (Issoudun)",
        "Médiateur numérique en bibliothèque",
        "accès libre, démarches en ligne",
        "Accueillir en accès libre des personnes qui découvrent l'ordinateur.",
        BASSIN,
    ),
    DemoPerson(
        "formatrice.bus-asept-indre",
        ("asept-bus-numerique-indre",),
        MemberRole.MEDIATEUR,
        "Formatrice du bus numérique de l'ASEPT (Indre)",
        "Formatrice itinérante",
        "seniors, itinérance, communes rurales",
        "Organiser la venue du bus dans une commune : stationnement, inscriptions, promotion.",
    ),
    # Bassin de Bourges
    DemoPerson(
        "coordinatrice.resopluce",
        ("resopluce-18",),
        MemberRole.RESPONSABLE,
        "Coordinatrice du réseau RésoPluce 18",
        "Coordinatrice de réseau",
        "accès aux droits, réseau d'acteurs, cartographie",
        "Savoir quelle institution du Cher contacter pour un droit ou une démarche.",
    ),
    DemoPerson(
        "coordinateur.promeneurs-18",
        ("promeneurs-du-net-18",),
        MemberRole.RESPONSABLE,
        "Coordinateur des Promeneurs du Net du Cher",
        "Coordinateur départemental",
        "jeunes, réseaux sociaux, prévention",
        "Devenir Promeneur du Net : la charte, la formation, l'accompagnement.",
    ),
    DemoPerson(
        "animateur.epn-departement-cher",
        (
            "departement-cher-epn-chatelet",
            "departement-cher-epn-aubigny-sur-nere",
            "departement-cher-epn-sancerre",
            "departement-cher-epn-baugy",
        ),
        MemberRole.MEDIATEUR,
        "Animateur des espaces publics numériques du Département du Cher",
        "Animateur numérique itinérant (4 sites)",
        "débutants, coding goûters, démarches administratives",
        "Accompagner des usagers qui viennent avec leur propre matériel.",
    ),
    DemoPerson(
        "mediatrice.cyber-base-gibjoncs",
        ("bourges-cyber-base-gibjoncs",),
        MemberRole.MEDIATEUR,
        "Médiatrice de la Cyber base des Gibjoncs (Bourges)",
        "Médiatrice numérique",
        "quartier prioritaire, accès libre, ateliers",
        "Orienter vers les lieux de Bourges selon la démarche à faire.",
        BASSIN,
    ),
    DemoPerson(
        "benevole.hameau-fraternite",
        ("bourges-centre-associatif-hameau-fraternite",),
        MemberRole.BENEVOLE,
        "Bénévole du centre associatif Hameau de la Fraternité (Bourges)",
        "Bénévole",
        "accès libre, personnes âgées",
        "Aider à prendre en main un ordinateur portable.",
        BASSIN,
    ),
    DemoPerson(
        "volontaire.unis-cite",
        ("unis-cite",),
        MemberRole.SERVICE_CIVIQUE,
        "Volontaire « Silver geek » d'Unis-Cité (Bourges)",
        "Volontaire en service civique",
        "seniors, intergénérationnel, tablettes",
        "Animer un atelier entre générations avec un CCAS.",
    ),
    DemoPerson(
        "secretaire.mairie-nerondes",
        ("nerondes-mairie",),
        MemberRole.MEDIATEUR,
        "Secrétaire de mairie de Nérondes (point d'accès numérique)",
        "Secrétaire de mairie",
        "milieu rural, démarches en ligne",
        "Accompagner une démarche en ligne dans une petite commune.",
        BASSIN,
    ),
    DemoPerson(
        "formateur.bus-carsat-bourges",
        ("bus-numerique-carsat-bourges",),
        MemberRole.MEDIATEUR,
        "Formateur du bus numérique CARSAT (bassin de Bourges)",
        "Formateur itinérant",
        "seniors, initiation, itinérance",
        "Préparer une halte du bus avec une collectivité ou une association.",
    ),
    # Bassin Argenton-Le Blanc
    DemoPerson(
        "benevole.centre-social-le-blanc",
        ("le-blanc-centre-social",),
        MemberRole.BENEVOLE,
        "Bénévole des ateliers du mercredi, centre social du Blanc",
        "Bénévole",
        "ateliers, autonomie, démarches",
        "Animer un atelier de douze personnes en petits groupes.",
    ),
    DemoPerson(
        "animatrice.rbij-brenne",
        ("rbij-brenne",),
        MemberRole.MEDIATEUR,
        "Animatrice du Relais Brenne Initiatives Jeunes",
        "Animatrice jeunesse",
        "jeunes, fausses informations, réseaux sociaux",
        "Monter une séance sur la vérification des sources.",
    ),
    DemoPerson(
        "conseiller.brenne-box",
        ("brenne-box",),
        MemberRole.MEDIATEUR,
        "Conseiller France Services de la Brenne Box",
        "Conseiller France Services",
        "France Services, coworking, fablab",
        "Accueillir les personnes orientées par Pôle emploi pour leurs démarches.",
        BASSIN,
    ),
    # Bassin de Vierzon
    DemoPerson(
        "mediatrice.mediatheque-vierzon",
        ("vierzon-mediatheque",),
        MemberRole.MEDIATEUR,
        "Médiatrice de la médiathèque de Vierzon",
        "Médiatrice numérique en bibliothèque",
        "ateliers, jeunes, familles",
        "Proposer un atelier commun entre la médiathèque et une autre structure.",
    ),
    DemoPerson(
        "volontaire.pole-emploi-vierzon",
        ("pole-emploi-vierzon",),
        MemberRole.SERVICE_CIVIQUE,
        "Volontaire en service civique, espace numérique de Pôle emploi Vierzon",
        "Volontaire en service civique",
        "recherche d'emploi, espace numérique",
        "Accompagner un demandeur d'emploi sur son espace en ligne.",
        BASSIN,
    ),
    DemoPerson(
        "benevole.strat-emploi",
        ("strat-emploi",),
        MemberRole.BENEVOLE,
        "Bénévole de Str@t'Emploi (Vierzon)",
        "Bénévole, ancien stagiaire",
        "démarches administratives, recherche d'emploi",
        "Aider à rédiger un CV et à candidater en ligne.",
    ),
    DemoPerson(
        "mediateur.epn-gracay",
        ("gracay-epn-grands-moulins",),
        MemberRole.MEDIATEUR,
        "Médiateur de l'EPN « Les Grands Moulins » (Graçay)",
        "Médiateur numérique",
        "ateliers gratuits, accès libre, milieu rural",
        "Faire venir le bus numérique dans une commune du bassin.",
    ),
    # Bassin de Tours
    DemoPerson(
        "animateur.grange-numerique",
        ("grange-numerique",),
        MemberRole.MEDIATEUR,
        "Animateur de la Grange numérique (Joué-lès-Tours)",
        "Animateur numérique",
        "fablab, Open Badges, service civique",
        "Accueillir un groupe d'un centre social pour découvrir le fablab.",
    ),
    DemoPerson(
        "coordinatrice.promeneurs-37",
        ("promeneurs-du-net-37",),
        MemberRole.RESPONSABLE,
        "Coordinatrice du réseau des Promeneurs du Net d'Indre-et-Loire",
        "Coordinatrice de réseau",
        "jeunes, présence éducative en ligne, formation",
        "Rejoindre le réseau : trois jours de formation puis un accompagnement de terrain.",
    ),
    DemoPerson(
        "volontaire.resoudre",
        ("resoudre",),
        MemberRole.SERVICE_CIVIQUE,
        "Volontaire en service civique de l'EPN de Résoudre (Joué-lès-Tours)",
        "Volontaire en service civique",
        "accès aux droits, CV, adresse e-mail",
        "Aider à créer une adresse e-mail et à la retrouver.",
        BASSIN,
    ),
    DemoPerson(
        "benevole.informatique-participative",
        ("informatique-participative",),
        MemberRole.BENEVOLE,
        "Bénévole de l'Association pour l'Informatique Participative",
        "Bénévole",
        "ordinateurs reconditionnés, logiciels libres",
        "Trouver un ordinateur reconditionné à petit prix pour une personne orientée.",
    ),
)


def ensure_profile(user, person: DemoPerson) -> None:
    """Give `user` the profile of `person` once; an existing profile is left as someone may have edited it."""
    MemberProfile.objects.get_or_create(
        user=user,
        defaults={
            "display_name": person.display_name,
            "job_title": person.job_title,
            "topics": person.topics,
            "can_help_with": person.can_help_with,
            "visibility": person.visibility,
        },
    )
