"""The field study's words, read as a schedule: which rhythms, slots, themes and publics its texts mean.

Kept apart from the loader (`events.demo`) because it is data a reader checks against the study, not logic.
"""

from datetime import time

from .. import enums

DEMO_WEEKS = 8
UID_DOMAIN = "demo.maillage.localhost"
UID_PREFIX = "demo-"
# Words of the study that say a workshop is past, stopped or only planned: the demo leaves it out.
PAST_MARKERS = ("2019", "2020", "confinement")
STOPPED_MARKERS = ("projet", "préparation", "plus cours", "arrêté", "ne fonctionne pas")
ONE_OFF_WORDS = ("conférence", "journée", "soirée", "balade")
PRO_AUDIENCE = ("professionnels", "acteurs éducatifs")

# What the study says precisely, keyed by (structure slug, 1-based index of the atelier in the fixture).
# day: RFC 5545 weekday; every: weeks between sessions (0 = once); monthly: n-th weekday of the month;
# also: a second session the same day (a second RDATE per session); count: a cycle of n sessions.
PLANS = {
    ("issoudun-meli", 1): {"day": "TH", "start": time(14), "end": time(16), "price": "5.00"},
    ("issoudun-centre-congres", 1): {"day": "TU", "start": time(18, 30), "end": time(20), "full": (2,)},
    ("issoudun-centre-congres", 2): {"day": "MO", "start": time(14), "end": time(16)},
    ("asept-bus-numerique-indre", 1): {
        "day": "WE",
        "every": 2,
        "start": time(9, 30),
        "end": time(12),
        "also": time(14),
        "stop": 0,
    },
    ("bourges-cyber-base-gibjoncs", 1): {"days": ("MO", "TH"), "start": time(9, 30), "end": time(11, 30)},
    ("bourges-cyber-base-gibjoncs", 2): {"day": "TU", "start": time(14), "end": time(16)},
    ("bourges-mediatheque", 1): {"day": "WE", "every": 2, "start": time(14), "end": time(16)},
    ("bourges-mediatheque", 2): {"day": "SA", "start": time(14), "end": time(17), "every": 2},
    ("bourges-mediatheque", 3): {"day": "WE", "every": 2, "start": time(10), "end": time(12)},
    ("bourges-mediatheque", 5): {"day": "FR", "start": time(14), "end": time(17), "cancelled": (3,)},
    ("bourges-centres-sociaux-chancellerie-val-auron", 2): {"day": "TH", "start": time(14), "end": time(16)},
    ("bourges-centre-associatif-hameau-fraternite", 1): {
        "day": "TU",
        "start": time(9, 30),
        "end": time(11, 30),
    },
    ("bus-numerique-carsat-bourges", 1): {"day": "TU", "start": time(9, 30), "end": time(12, 30), "stops": 6},
    ("bus-numerique-carsat-vierzon", 1): {"day": "TH", "start": time(14), "end": time(17), "stops": 5},
    ("canope-18", 1): {"day": "WE", "monthly": 1, "start": time(14), "end": time(17)},
    ("le-blanc-centre-social", 1): {"day": "MO", "start": time(14), "end": time(17), "count": 5},
    ("le-blanc-centre-social", 2): {
        "day": "WE",
        "start": time(9, 30),
        "end": time(11, 30),
        "also": time(14),
        "moved": (4,),
    },
    ("brenne-box", 1): {"day": "MO", "start": time(14), "end": time(16)},
    ("bge-indre-epn-saint-benoit", 1): {"day": "TU", "start": time(9, 30), "end": time(11, 30)},
    ("bus-numerique-msa", 1): {
        "day": "TH",
        "start": time(9, 30),
        "end": time(12),
        "also": time(14),
        "stop": 0,
    },
    ("ccas-vierzon", 2): {
        "day": "FR",
        "start": time(10),
        "end": time(11, 30),
        "capacity": 8,
        "full": (1, 2),
        "tablets": True,
    },
    ("funlab-mame", 1): {"day": "TH", "start": time(18, 30), "end": time(21), "every": 2},
    ("promeneurs-du-net-37", 1): {"days": ("MO", "TU", "WE"), "count": 3, "start": time(9), "end": time(17)},
    ("passerelle-montlouis", 1): {"day": "FR", "every": 0, "start": time(18, 30), "end": time(20, 30)},
    ("passerelle-montlouis", 2): {"day": "TH", "every": 0, "start": time(19), "end": time(21)},
    ("passerelle-montlouis", 3): {"day": "WE", "monthly": 2, "start": time(16), "end": time(17, 30)},
}
# Summaries written for the demo where the study's wording is too terse for the public.
SUMMARIES = {
    ("issoudun-meli", 1): (
        "Des ateliers pratiques en petit groupe, dont les thèmes sont choisis avec les participants"
        " : classer ses photos, écrire un e-mail, faire une démarche en ligne."
    ),
    ("issoudun-centre-congres", 1): (
        "Après le travail, un atelier en petit groupe (8 personnes au plus) pour mieux se servir de"
        " son ordinateur ou de son smartphone. Gratuit."
    ),
    ("bourges-mediatheque", 2): (
        "Le samedi après-midi, découvrir des jeux vidéo et s'affronter en tournoi, dans la bonne humeur."
    ),
    ("bourges-mediatheque", 5): (
        "Le vendredi, la médiathèque ouvre ses ateliers numériques personnalisés : impression 3D, "
        "tablette, liseuse… Venez avec votre question."
    ),
    ("bus-numerique-carsat-bourges", 1): (
        "Le bus numérique fait halte près de chez vous : trois heures pour découvrir les bases de "
        "l'ordinateur et d'internet, sur l'un des 12 postes."
    ),
    ("bus-numerique-carsat-vierzon", 1): (
        "Le bus numérique fait halte près de chez vous : trois heures pour découvrir les bases de "
        "l'ordinateur et d'internet, sur l'un des 12 postes."
    ),
    ("canope-18", 1): (
        "Échanges de pratiques entre acteurs éducatifs : des outils numériques pour la classe et "
        "l'animation. Réservé aux professionnels."
    ),
    ("le-blanc-centre-social", 2): (
        "Chaque mercredi, matin et après-midi, un bénévole accompagne un petit groupe (12 "
        "personnes) sur les usages du quotidien."
    ),
    ("brenne-box", 1): (
        "Le lundi, des ateliers selon vos besoins : album photo, classer ses fichiers, QR code… 25 "
        "€ par an pour les habitants de la communauté de communes."
    ),
    ("ccas-vierzon", 2): (
        "Apprendre à se servir d'une tablette, pas à pas et en petit groupe : photos, appels vidéo,"
        " messages. Tablettes prêtées."
    ),
    ("funlab-mame", 1): (
        "En soirée, apprendre à utiliser la découpeuse laser, l'imprimante 3D et les autres "
        "machines du fablab."
    ),
    ("promeneurs-du-net-37", 1): (
        "Trois jours de formation de base pour les professionnels qui rejoignent les Promeneurs du "
        "Net (animateurs jeunesse, éducateurs) : interconnaissance et échanges de pratiques."
    ),
}
# The five ateliers of the Graçay cycle follow each other, one a week.
CYCLES = {"gracay-epn-grands-moulins": {"day": "TU", "start": time(14), "end": time(16)}}
DEFAULT_SLOTS = [(time(9, 30), time(11, 30)), (time(10), time(12)), (time(14), time(16))]
DEFAULT_SLOTS += [(time(14, 30), time(16, 30))]
DEFAULT_RHYTHMS = [1, 2, 2, "monthly", 0]

THEME_WORDS = [
    (enums.Theme.DEMARCHES, ("démarche", "administr", "droit", "services publics", "institutionnels")),
    (enums.Theme.INSERTION_PRO, (" cv", "emploi", "candidature", "métiers", "pôle emploi")),
    (enums.Theme.SECURITE, ("fake", "fausses", "risques", "cyber", "protéger", "prévention", "vrai du faux")),
    (enums.Theme.PARENTALITE, ("parent", "écrans", "tout-petits", "scolarité", "crèches")),
    (enums.Theme.LOISIRS, ("jeux", "jeu vidéo", "photo", "stop motion", "scratch", "programm", "coding")),
    (enums.Theme.LOISIRS, ("robot", "3d", "fablab")),
    (enums.Theme.COMPREHENSION, ("réseaux sociaux", "conférence", "révolution", "intelligence artificielle")),
]
PUBLIC_WORDS = [
    (enums.AtelierPublic.SENIORS, ("senior", "sénior", "retraités", "personnes âgées", "plus de 60")),
    (
        enums.AtelierPublic.JEUNES,
        ("jeune", "ados", "adolescents", "collégiens", "lycéens", "12 ans", "élèves"),
    ),
    (enums.AtelierPublic.FAMILLES, ("enfants", "parents", "familles", "crèches")),
    (enums.AtelierPublic.ETUDIANTS, ("étudiants",)),
]
