"""Orientation questions in the words people use, with the places of the demo territory that answer them.

The places come from the demo territory (`network/fixtures/demo_territory.json`, the field study's facts):
for each question, every place a mediator would send the person to is acceptable; the search passes a
question when one of them comes in its first three places. `evaluate()` runs them all; the test asserts
the top-3 rate (`tests/orientation/test_evaluation.py`) and `bench/orientation_eval.py` prints each miss.
The ranking must never special-case these questions: they check that it generalises.
"""

from dataclasses import dataclass

from orientation.search import HelpQuery, find_help

TARGET_RATE = 0.9

FRANCE_SERVICES_VIERZON = ["pij-pays-de-vierzon", "vierzon-mediatheque", "ville-de-vierzon", "strat-emploi"]
SENIORS_BOURGES = [
    "bourges-ccas",
    "bourges-centres-sociaux-chancellerie-val-auron",
    "bus-numerique-carsat-bourges",
    "cias-terres-du-haut-berry",
    "unis-cite",
    "bourges-cyber-base-gibjoncs",
]
SECURITY = [
    "bge-indre",
    "gracay-epn-grands-moulins",
    "pij-pays-de-vierzon",
    "bourges-bij",
    "saint-germain-du-puy-espace-jeunes",
    "rbij-brenne",
]
DEMARCHES_TOURS = [
    "plurielles-centre-social",
    "cispeo",
    "resoudre",
    "epn-la-riche",
    "passerelle-montlouis",
    "chambray-mediatheque-epn",
]

# (question as typed, acceptable places)
QUESTIONS = [
    (
        "je n'arrive plus à ouvrir mes mails",
        ["gracay-epn-grands-moulins", "resoudre", "issoudun-mission-locale", "issoudun-meli"],
    ),
    ("refaire ma carte grise", ["pij-pays-de-vierzon"]),
    ("refaire ma carte grise à Vierzon", FRANCE_SERVICES_VIERZON),
    (
        "apprendre à me servir de mon smartphone près d'Issoudun",
        [
            "issoudun-centre-congres",
            "issoudun-meli",
            "asept-bus-numerique-indre",
            "issoudun-mediatheque-albert-camus",
        ],
    ),
    (
        "atelier smartphone Issoudun",
        ["issoudun-centre-congres", "issoudun-meli", "asept-bus-numerique-indre"],
    ),
    ("imprimer un document à Vierzon", ["vierzon-mediatheque", "pij-pays-de-vierzon", "ajcv-centre-social"]),
    (
        "faire ma déclaration d'impôts au Blanc",
        ["le-blanc-centre-social", "le-blanc-ccas", "brenne-val-de-creuse-bibliotheques"],
    ),
    ("aide pour mon dossier CAF à Tours", DEMARCHES_TOURS),
    (
        "m'actualiser sur france travail à Vierzon",
        ["pole-emploi-vierzon", "strat-emploi", "mission-locale-pays-de-vierzon", "pij-pays-de-vierzon"],
    ),
    (
        "faire mon CV à Bourges",
        ["bourges-mediatheque", "bourges-cyber-base-gibjoncs", "bourges-mission-locale"],
    ),
    ("je cherche du travail à Joué-lès-Tours", ["resoudre", "grange-numerique"]),
    ("ordinateur pas cher", ["informatique-participative"]),
    ("acheter un ordinateur reconditionné près de Tours", ["informatique-participative"]),
    ("wifi gratuit Issoudun", ["issoudun-meli"]),
    ("wifi gratuit à Vierzon", ["ville-de-vierzon"]),
    ("cours d'informatique pour les seniors à Bourges", SENIORS_BOURGES),
    ("ateliers tablette Vierzon", ["ccas-vierzon", "vierzon-mediatheque"]),
    ("mon petit-fils passe trop de temps sur les écrans", ["bourges-ccas", "passerelle-montlouis"]),
    ("aider mon enfant avec les écrans à Montlouis", ["passerelle-montlouis"]),
    ("j'ai reçu un sms bizarre, c'est une arnaque ?", SECURITY),
    ("protéger mes données personnelles à Graçay", ["gracay-epn-grands-moulins"]),
    ("repérer les fausses informations à Argenton", ["rbij-brenne"]),
    ("découvrir l'imprimante 3D à Tours", ["funlab-mame", "chambray-mediatheque-epn", "espace-passerelles"]),
    ("fablab Tours", ["funlab-mame", "espace-passerelles", "grange-numerique"]),
    ("jeux vidéo à Bourges", ["bourges-mediatheque", "emmetrop-bandits-mages-antre-peaux"]),
    (
        "apprendre à coder pour mon fils",
        [
            "cefim",
            "passerelle-montlouis",
            "bourges-mediatheque",
            "departement-cher-epn-chatelet",
            "departement-cher-epn-aubigny-sur-nere",
            "departement-cher-epn-sancerre",
            "departement-cher-epn-baugy",
            "brenne-val-de-creuse-bibliotheques",
        ],
    ),
    ("démarches en ligne à Salbris", ["salbris-france-services"]),
    ("scanner un papier à Salbris", ["salbris-france-services"]),
    ("ameli et carte vitale au Blanc", ["le-blanc-centre-social", "le-blanc-ccas"]),
    ("débuter en informatique à Saint-Germain-du-Puy", ["saint-germain-du-puy-espace-jeunes"]),
    (
        "premiers pas sur l'ordinateur à Bourges",
        [
            "bourges-cyber-base-gibjoncs",
            "bourges-centres-sociaux-chancellerie-val-auron",
            "bourges-ccas",
            "bus-numerique-carsat-bourges",
        ],
    ),
    ("faire mes papiers à Avord", ["avord-france-services"]),
    ("maison france services près de Chaillac", ["chaillac-msap-france-services"]),
    ("smartfone La Riche", ["epn-la-riche", "mediatheque-la-riche"]),
    ("ordinatuer pour débutant à Sancerre", ["departement-cher-epn-sancerre"]),
    ("atelier photo à Issoudun", ["issoudun-centre-congres", "issoudun-les-ruches"]),
    ("ma retraite à Vierzon", FRANCE_SERVICES_VIERZON),
    ("appeler mes petits-enfants en visio, Vierzon", ["ccas-vierzon"]),
    ("comprendre les réseaux sociaux à Graçay", ["gracay-epn-grands-moulins"]),
    ("tablette et maladie d'Alzheimer", ["ccas-vierzon"]),
    ("apprendre la bureautique, word, à Bourges", ["imep-bourges-plus", "bourges-cyber-base-gibjoncs"]),
    ("cours de français langue étrangère", ["resoudre", "imep-bourges-plus"]),
    ("un ordinateur en libre accès à Prissac", ["prissac-espace-numerique"]),
    (
        "je ne sais pas me servir d'internet, je suis retraité, à Vierzon",
        ["ccas-vierzon", "bus-numerique-carsat-vierzon", "pij-pays-de-vierzon"],
    ),
    ("utiliser le site de pôle emploi", ["pole-emploi-vierzon", "le-blanc-centre-social", "strat-emploi"]),
    ("apprendre la tablette à Saint-Benoît-du-Sault", ["bge-indre-epn-saint-benoit"]),
    ("faire une photocopie à Vierzon", ["vierzon-mediatheque", "pij-pays-de-vierzon", "ajcv-centre-social"]),
    ("l'ANTS pour mon permis à Vierzon", FRANCE_SERVICES_VIERZON),
    (
        "bus numérique pour les seniors autour de Bourges",
        ["bus-numerique-carsat-bourges", "cias-terres-du-haut-berry"],
    ),
    ("créer une adresse mail à Joué-lès-Tours", ["resoudre"]),
]


@dataclass
class Outcome:
    question: str
    expected: list[str]
    got: list[str]

    @property
    def passed(self) -> bool:
        return bool(set(self.expected) & set(self.got[:3]))


def evaluate(questions=QUESTIONS) -> list[Outcome]:
    outcomes = []
    for text, expected in questions:
        results = find_help(HelpQuery(text=text), place_limit=3)
        outcomes.append(Outcome(text, list(expected), [result.structure.slug for result in results.places]))
    return outcomes


def top3_rate(outcomes) -> float:
    return sum(outcome.passed for outcome in outcomes) / len(outcomes)
