"""The first lexicon of needs, in the words people use at the desks of the field study.

Loaded once by the data migration `0002_seed_needs` (coordinators edit it in the admin afterwards); kept as
data here so that a reader checks it against the field study, and so that a fresh territory can be seeded
again with `seed_needs`. Misspellings are *not* listed: `orientation.words` forgives them.
"""

DEMARCHES = "Aide aux démarches administratives"
OUTILS = "Maîtrise des outils numériques du quotidien"
INSERTION = "Insertion professionnelle via le numérique"
SECURITE = "Utilisation sécurisée du numérique"
PARENTALITE = "Parentalité et éducation avec le numérique"
LOISIRS = "Loisirs et créations numériques"
COMPREHENSION = "Compréhension du monde numérique"
ACCES = "Accès internet et matériel informatique"
MATERIEL = "Acquisition de matériel informatique à prix solidaire"

# slug, label, short label, pictogram, services, publics, equipment, in the guide, keywords
NEEDS = [
    (
        "demarches",
        "Faire une démarche en ligne",
        "démarches en ligne",
        "demarches",
        [DEMARCHES],
        [],
        [],
        True,
        "démarche\ndémarches administratives\npapiers\ndossier\nformulaire\nadministration\nservice public\n"
        "france connect\nfranceconnect\nespace personnel\ncompte en ligne\nattestation\njustificatif\n"
        "préfecture\nmairie\nfrance services\nmaison france services\nmsap\ncourrier administratif\n"
        "écrivain public\nmes droits\naides sociales\nlogement\nmdph\nnaturalisation\ntitre de séjour",
    ),
    (
        "caf",
        "Mes droits à la CAF (allocations, RSA, APL)",
        "CAF",
        "argent",
        [DEMARCHES],
        [],
        [],
        False,
        "caf\nallocations familiales\nallocation\napl\naide au logement\nrsa\nprime d'activité\nmsa\n"
        "déclaration trimestrielle\npoint d'accès numérique caf",
    ),
    (
        "impots",
        "Déclarer mes impôts",
        "impôts",
        "argent",
        [DEMARCHES],
        [],
        [],
        False,
        "impôts\nimpots.gouv\ndéclaration de revenus\ndéclarer mes revenus\ntaxe\navis d'imposition\n"
        "prélèvement à la source\nnuméro fiscal",
    ),
    (
        "carte-grise",
        "Carte grise, permis, carte d'identité (ANTS)",
        "carte grise, permis, identité",
        "voiture",
        [DEMARCHES],
        [],
        [],
        False,
        "carte grise\nants\ncertificat d'immatriculation\nimmatriculation\npermis\npermis de conduire\n"
        "carte d'identité\npasseport\nvoiture\nvendre ma voiture\ncode de la route\nchangement d'adresse",
    ),
    (
        "sante",
        "Ma santé en ligne (Ameli, Mon espace santé)",
        "santé, Ameli",
        "sante",
        [DEMARCHES],
        [],
        [],
        False,
        "ameli\nsécurité sociale\nsécu\ncarte vitale\nremboursement\nmutuelle\ncomplémentaire santé\n"
        "mon espace santé\ndoctolib\nmédecin\nrendez-vous médical\nsanté\ncpam",
    ),
    (
        "france-travail",
        "France Travail (ex-Pôle emploi)",
        "France Travail",
        "emploi",
        [DEMARCHES, INSERTION],
        [],
        [],
        False,
        "france travail\npôle emploi\npole emploi\nactualisation\nm'actualiser\nactualiser\nchômage\n"
        "inscription au chômage\nallocation chômage\nindemnités",
    ),
    (
        "retraite",
        "Ma retraite",
        "retraite",
        "demarches",
        [DEMARCHES],
        [],
        [],
        False,
        "retraite\ncarsat\npension\ninfo retraite\ndemande de retraite\nrelevé de carrière\n"
        "caisse de retraite\nagirc arrco",
    ),
    (
        "cheque-energie",
        "Chèque énergie, factures, aides",
        "chèque énergie",
        "argent",
        [DEMARCHES],
        [],
        [],
        False,
        "chèque énergie\nfacture\nélectricité\nedf\ngaz\naide énergie\nénergie\nfournisseur",
    ),
    (
        "telephone",
        "Apprendre à me servir de mon téléphone",
        "téléphone",
        "telephone",
        [OUTILS],
        [],
        [],
        True,
        "téléphone\nsmartphone\nportable\ntéléphone portable\nmobile\nandroid\niphone\napplication\nappli\n"
        "sms\nwhatsapp\ntélécharger une application\ngsm\nécran tactile",
    ),
    (
        "tablette",
        "Me servir d'une tablette",
        "tablette",
        "tablette",
        [OUTILS],
        [],
        [],
        True,
        "tablette\nipad\nliseuse\ntablette tactile",
    ),
    (
        "ordinateur",
        "Apprendre l'ordinateur et internet",
        "ordinateur et internet",
        "ordinateur",
        [OUTILS],
        [],
        [],
        True,
        "ordinateur\nordi\ninformatique\ninternet\nclavier\nsouris\ndébuter\ndébutant\nbases\ninitiation\n"
        "premiers pas\nwindows\nword\ntraitement de texte\nfichiers\nclé usb\nnavigateur\npc\n"
        "recherche sur internet\nclasser mes photos",
    ),
    (
        "courriel",
        "Mon adresse e-mail",
        "e-mail",
        "courriel",
        [OUTILS],
        [],
        [],
        True,
        "mail\ne-mail\ncourriel\nmessagerie\nboîte mail\nboîte aux lettres électronique\ngmail\n"
        "adresse mail\ncréer une adresse\nmot de passe oublié\npièce jointe\nouvrir mes mails\n"
        "écrire un e-mail\nmessages",
    ),
    (
        "visio",
        "Appeler mes proches en vidéo",
        "appels vidéo",
        "telephone",
        [OUTILS],
        [],
        [],
        False,
        "appel vidéo\nvisio\nvisioconférence\nskype\nzoom\nfacetime\nvoir mes petits-enfants",
    ),
    (
        "banque",
        "Ma banque et mes achats en ligne",
        "banque, achats en ligne",
        "argent",
        [OUTILS],
        [],
        [],
        False,
        "banque\ncompte bancaire\nvirement\npaiement\npayer en ligne\nachats en ligne\nacheter sur internet\n"
        "achats sur internet\nleboncoin\namazon\ncommande en ligne",
    ),
    (
        "emploi",
        "Chercher un emploi, faire mon CV",
        "emploi et CV",
        "emploi",
        [INSERTION],
        [],
        [],
        True,
        "emploi\ntravail\ncv\ncurriculum\nlettre de motivation\ncandidature\noffre d'emploi\njob\nstage\n"
        "recrutement\nentretien d'embauche\nmétier\nlinkedin\nindeed\nchercher du travail\nformation",
    ),
    (
        "securite",
        "Arnaques, virus et données personnelles",
        "arnaques et sécurité",
        "securite",
        [SECURITE],
        [],
        [],
        True,
        "arnaque\nescroquerie\npiratage\npiraté\nvirus\nhameçonnage\nphishing\nfaux mail\nfaux sms\n"
        "fraude\nmot de passe\nsécurité\nsécuriser\ndonnées personnelles\nvie privée\ncyber\n"
        "cybersécurité\nharcèlement\nprotéger\nrisques",
    ),
    (
        "enfant",
        "Aider mon enfant (écrans, école)",
        "parents et enfants",
        "famille",
        [PARENTALITE],
        ["Familles et/ou enfants"],
        [],
        True,
        "enfant\nmon fils\nma fille\nado\nadolescent\nécrans\nécole\npronote\nent\ndevoirs\n"
        "contrôle parental\nparent\nparentalité\ncollège\nlycée\nscolarité",
    ),
    (
        "loisirs",
        "Loisirs et création",
        "loisirs et création",
        "loisirs",
        [LOISIRS],
        [],
        [],
        True,
        "photo\nvidéo\nmontage vidéo\nmusique\njeux\njeu vidéo\nimpression 3d\nimprimante 3d\nfablab\n"
        "dessin\ncréation\nrobot\nprogrammation\ncoder\ngénéalogie\nalbum photo\nretouche\n"
        "découpeuse laser\nloisirs\nstop motion",
    ),
    (
        "comprendre",
        "Comprendre le numérique (réseaux sociaux, IA)",
        "comprendre le numérique",
        "ordinateur",
        [COMPREHENSION],
        [],
        [],
        False,
        "réseaux sociaux\nfacebook\ninstagram\nsnapchat\ntiktok\nintelligence artificielle\nia\nchatgpt\n"
        "fake news\ninformation\ncomprendre",
    ),
    (
        "materiel",
        "Acheter du matériel pas cher",
        "matériel à petit prix",
        "materiel",
        [MATERIEL],
        [],
        [],
        True,
        "pas cher\nreconditionné\nordinateur reconditionné\nmatériel\nacheter un ordinateur\n"
        "acheter un téléphone\nprix solidaire\npetit prix\ndon\nemmaüs connect\nrecharge\nforfait",
    ),
    (
        "imprimer",
        "Imprimer, scanner un document",
        "imprimer, scanner",
        "imprimante",
        [ACCES],
        [],
        ["imprimante"],
        True,
        "imprimer\nimprimante\nimpression\nphotocopie\nphotocopier\nscanner\nscan\nnumériser\ndocument\npdf",
    ),
    (
        "wifi",
        "Me connecter au wifi, à internet",
        "wifi",
        "wifi",
        [ACCES],
        [],
        ["wifi"],
        True,
        "wifi\nwi-fi\nconnexion\ninternet gratuit\nse connecter\nréseau",
    ),
    (
        "poste-libre",
        "Utiliser un ordinateur sur place",
        "ordinateur sur place",
        "ordinateur",
        [ACCES],
        [],
        ["ordinateurs"],
        False,
        "ordinateur en libre accès\nposte informatique\naccès libre\nlibre service\naccès internet\n"
        "pas d'ordinateur\npas d'internet",
    ),
    (
        "seniors",
        "Pour les seniors",
        "seniors",
        "personne",
        [],
        ["Seniors"],
        [],
        False,
        "senior\nretraité\npersonne âgée\nâgé\naîné\npapy\nmamie\ngrand-père\ngrand-mère\n3e âge",
    ),
    (
        "jeunes",
        "Pour les jeunes",
        "jeunes",
        "personne",
        [],
        ["Jeunes", "Étudiants"],
        [],
        False,
        "jeune\n16-25 ans\nétudiant\nlycéen\napprenti",
    ),
]


def need_rows() -> list[dict]:
    """The lexicon as field values of `Need`, with `sort_order` in the order above."""
    keys = ("slug", "label", "short_label", "pictogram", "services", "publics", "equipment", "show_in_guide")
    rows = []
    for position, values in enumerate(NEEDS):
        row = dict(zip(keys, values[:8], strict=True))
        row["keywords"] = values[8]
        row["sort_order"] = (position + 1) * 10
        rows.append(row)
    return rows
