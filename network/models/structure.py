"""A structure's page: one place of digital mediation, on the national "lieux de médiation numérique" schema.

Every field of the schema v1.0.x is here (names kept, so that the export is a mapping, not a translation),
plus what the field study showed matters locally: equipment, photos, status, regional labels and the stops of
itinerant services.
"""

import uuid
from functools import cached_property

from django.contrib.auth.models import Group
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, Page, PageManager
from wagtail.search import index

from .. import enums
from ..fields import ChoiceListField, StringListField
from ..horaires import WeeklyHours, parse_opening_hours, validate_opening_hours
from ..map import page_markers
from ..search_index import (
    SEARCHED_FIELDS,
    is_search_index_deferred,
    keyword_words,
    write_search_vectors,
)
from ..text import fold_accents, lower_first, meta_description
from ..validators import (
    normalize_phone,
    validate_code_insee,
    validate_code_postal,
    validate_latitude,
    validate_longitude,
    validate_phone,
    validate_pivot,
)
from . import structure_panels
from .opening import OpeningInterval
from .rights import RightsLinkedPage
from .structure_queries import StructurePageQuerySet

StructurePageManager = PageManager.from_queryset(StructurePageQuerySet)


def _choice_field(verbose_name, choices, help_text=""):
    return ChoiceListField(verbose_name, choices=choices, help_text=help_text)


class StructurePage(RightsLinkedPage, Page):
    """One structure (médiathèque, EPN, France Services, bus…) and what it offers.

    Invariants: the slug is unique across the whole territory (feeds and APIs address a structure by its slug
    alone); `horaires_parsed` and the `opening_intervals` always mirror `horaires` (rebuilt on every save);
    `bassin` is always the parent page (see `save()` and `network.signals`); the editors' group and the image
    collection are granted by `network.permissions.grant_structure_permissions`, never here.
    """

    # The parent bassin, stored so that lists, feeds and rights join it instead of reading the tree path.
    # A structure can only live under a bassin (`parent_page_types`), so this is derived, never chosen.
    bassin = models.ForeignKey(
        "network.BassinPage",
        verbose_name=_("bassin de vie"),
        on_delete=models.RESTRICT,
        related_name="structures",
        editable=False,
    )

    # Identity (schema: id, pivot, typologie, structure_parente, source)
    # One identity across Maillage instances (open data, API, federation): a hub that follows this instance,
    # and an instance that follows the hub back, recognise the same place and never copy it twice.
    global_id = models.UUIDField(_("identifiant Maillage"), unique=True, default=uuid.uuid4, editable=False)
    # Set only on a copy mirrored from another instance (federation/): such a page is read-only here.
    origin = models.URLField(_("instance d'origine"), blank=True, editable=False)
    source_url = models.URLField(_("page d'origine"), blank=True, editable=False)
    schema_id = models.CharField(
        _("identifiant national"),
        max_length=120,
        blank=True,
        help_text=_("Identifiant du lieu dans la cartographie nationale, s'il en a déjà un."),
    )
    pivot = models.CharField(_("SIRET ou RNA"), max_length=14, blank=True, validators=[validate_pivot])
    typologie = _choice_field(_("type de structure"), enums.Typologie.choices)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=enums.StructureStatus.choices,
        default=enums.StructureStatus.ACTIVE,
    )
    # A network or a partner (a CAF, Canopé, a network of actors) is part of the territory's picture, but a
    # person cannot go there to be helped: it leaves the public map and comes after the places in lists.
    receives_public = models.BooleanField(
        _("accueille du public"),
        default=True,
        help_text=_(
            "Décochez pour un réseau ou un partenaire qui n'accueille pas de public (les "
            "professionnel·les le contactent) : il n'apparaît plus sur la carte publique et vient après "
            "les lieux dans les listes."
        ),
    )
    structure_parente = models.CharField(_("structure parente"), max_length=255, blank=True)
    source = models.CharField(
        _("source des données"), max_length=120, blank=True, help_text=_("Laissez vide : « Maillage ».")
    )

    # Address (schema: adresse, complement_adresse, commune, code_postal, code_insee, latitude, longitude)
    adresse = models.CharField(_("adresse"), max_length=255, blank=True, help_text=_("Numéro et voie."))
    complement_adresse = models.CharField(_("complément d'adresse"), max_length=255, blank=True)
    commune = models.CharField(_("commune"), max_length=120)
    code_postal = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[validate_code_postal]
    )
    code_insee = models.CharField(_("code INSEE"), max_length=5, blank=True, validators=[validate_code_insee])
    latitude = models.FloatField(_("latitude"), null=True, blank=True, validators=[validate_latitude])
    longitude = models.FloatField(_("longitude"), null=True, blank=True, validators=[validate_longitude])

    # Contact (schema: telephone, courriels, site_web, prise_rdv, fiche_acces_libre)
    telephone = StringListField(
        _("téléphones"),
        item_validators=[validate_phone],
        normalize=normalize_phone,
        help_text=_("Un numéro par ligne, par exemple 02 48 00 00 00."),
    )
    courriels = StringListField(
        _("adresses e-mail"), item_validators=[EmailValidator()], help_text=_("Une adresse par ligne.")
    )
    site_web = StringListField(
        _("sites web"), item_validators=[URLValidator()], help_text=_("Une adresse par ligne (https://…).")
    )
    prise_rdv = models.URLField(_("prise de rendez-vous en ligne"), blank=True)
    fiche_acces_libre = models.URLField(
        _("fiche Acceslibre"),
        blank=True,
        help_text=_("Lien vers la fiche d'accessibilité du lieu sur acceslibre.beta.gouv.fr."),
    )

    # Presentation and hours
    presentation_resume = models.CharField(
        _("présentation courte"),
        max_length=280,
        blank=True,
        help_text=_("280 caractères au plus, en mots simples : ce que l'on peut faire ici."),
    )
    presentation_detail = models.TextField(_("présentation détaillée"), blank=True)
    horaires = models.CharField(
        _("horaires d'ouverture"),
        max_length=500,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_(
            "Au format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00 "
            "(Mo lundi, Tu mardi, We mercredi, Th jeudi, Fr vendredi, Sa samedi, Su dimanche)."
        ),
    )
    horaires_parsed = models.JSONField(default=dict, editable=False)
    waiting_list = models.CharField(
        _("liste d'attente"),
        max_length=255,
        blank=True,
        help_text=_(
            "S'il y a une liste d'attente, pour quoi (par exemple : « pour les formations »). Laissez vide "
            "s'il n'y en a pas."
        ),
    )

    # Offer (schema enumerations)
    services = _choice_field(_("services"), enums.Service.choices)
    publics_specifiquement_adresses = _choice_field(
        _("publics spécifiquement adressés"), enums.Public.choices
    )
    prise_en_charge_specifique = _choice_field(_("prise en charge spécifique"), enums.PriseEnCharge.choices)
    frais_a_charge = _choice_field(_("frais à charge"), enums.Frais.choices)
    itinerance = _choice_field(_("itinérance"), enums.Itinerance.choices)
    modalites_acces = _choice_field(_("modalités d'accès"), enums.ModaliteAcces.choices)
    modalites_accompagnement = _choice_field(
        _("modalités d'accompagnement"), enums.ModaliteAccompagnement.choices
    )
    dispositif_programmes_nationaux = _choice_field(
        _("dispositifs et programmes nationaux"), enums.DispositifProgramme.choices
    )
    formations_labels = _choice_field(_("formations et labels"), enums.FormationLabel.choices)
    autres_formations_labels = models.CharField(_("autres formations et labels"), max_length=500, blank=True)
    labels_regionaux = _choice_field(_("labels régionaux"), enums.RegionalLabel.choices)

    # Equipment (field study)
    computers = models.PositiveSmallIntegerField(_("ordinateurs fixes"), null=True, blank=True)
    laptops = models.PositiveSmallIntegerField(_("ordinateurs portables"), null=True, blank=True)
    tablets = models.PositiveSmallIntegerField(_("tablettes"), null=True, blank=True)
    has_printer = models.BooleanField(_("imprimante en accès public"), null=True, blank=True)
    has_free_wifi = models.BooleanField(_("wifi gratuit"), null=True, blank=True)
    equipment_note = models.TextField(_("précisions sur l'équipement"), blank=True)

    # Seen by the network's members only (`/pro/`), never on public pages, feeds or open data.
    referral_contact = models.TextField(
        _("contact pour orienter une personne (interne)"),
        blank=True,
        help_text=_("Qui appeler, comment, quand : visible des seuls membres du réseau."),
    )
    intake_capacity = models.TextField(
        _("ce que la structure peut accueillir (interne)"),
        blank=True,
        help_text=_("Publics, démarches, délais d'attente : visible des seuls membres du réseau."),
    )

    editors_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # Volunteers (service civique) edit the page but only submit it to the editors (`network.permissions`).
    volunteers_group = models.ForeignKey(
        Group, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    collection = models.ForeignKey(
        Collection, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    # Freshness (`network.freshness`): an editor's « Toujours à jour » restarts the clock as a publish does,
    # and the one reminder of a period is remembered here.
    confirmed_at = models.DateTimeField(_("confirmée à jour le"), null=True, blank=True, editable=False)
    freshness_reminded_at = models.DateTimeField(
        _("rappel de mise à jour envoyé le"), null=True, blank=True, editable=False
    )

    # The title folded (accents dropped, case folded): lists sort on it in the database the way a French
    # reader expects, « Écrivain » among the E, on every backend. Always mirrors `title` (see `save`).
    sort_title = models.CharField(max_length=255, default="", editable=False)
    # The directory's full-text index on PostgreSQL (`network.search_index`), GIN-indexed by migration 0014;
    # always null on SQLite. Written by the database from the saved texts (`write_search_vector`).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = StructurePageManager()

    rights_link_fields = ("editors_group", "volunteers_group", "collection")
    # Kept, like the rights links, across revisions: publishing an old revision must not undo a confirmation.
    page_state_fields = ("confirmed_at", "freshness_reminded_at")
    exclude_fields_in_copy = [
        "global_id",
        "origin",
        "source_url",
        "editors_group",
        "volunteers_group",
        "collection",
        "confirmed_at",
        "freshness_reminded_at",
    ]

    parent_page_types = ["network.BassinPage"]
    subpage_types = []
    template = "network/structure_page.html"

    content_panels = structure_panels.CONTENT_PANELS
    edit_handler = structure_panels.EDIT_HANDLER

    search_fields = Page.search_fields + [
        index.SearchField("commune", boost=3),
        index.SearchField("presentation_resume"),
        index.SearchField("presentation_detail"),
        index.SearchField("search_keywords"),
        index.AutocompleteField("commune"),
    ]

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        # The directory's order (`StructurePageQuerySet.for_listing`): a page of it, even the fiftieth of
        # 20,000 structures, is read along this index instead of sorting every structure.
        indexes = [
            models.Index(
                StructurePageQuerySet.listing_group_expression(),
                "sort_title",
                "page_ptr",
                name="structure_listing_order",
            ),
            # The communes offered in the directory's filters (`commune_names`, at most a few hundred, in
            # name order) and the filter itself: read along this index, the first hundreds of 4,000
            # communes come without grouping and sorting all 20,000 structures.
            models.Index(fields=["commune"], name="structure_commune"),
        ]

    def clean(self):
        super().clean()
        others = StructurePage.objects.filter(slug=self.slug)
        if self.pk:
            others = others.exclude(pk=self.pk)
        if self.slug and others.exists():
            raise ValidationError(
                {
                    "slug": ValidationError(
                        _("Une autre structure du territoire utilise déjà l'adresse « %(slug)s »."),
                        code="slug_taken",
                        params={"slug": self.slug},
                    )
                }
            )

    def save(self, *args, **kwargs):
        """Derive `horaires_parsed`, `sort_title` and `bassin` before writing, the opening intervals and the
        search vector after.

        `bassin` is a value of the tree, like `depth`: it is read from the parent whenever the page is written
        (created by `add_child`, published from a revision that may predate a move, copied). A move writes no
        `StructurePage`, so `network.signals.keep_structure_bassin` follows it.

        The opening intervals (`OpeningInterval`, what « ouvert maintenant » queries) are rewritten with
        `horaires_parsed`, after the row: every writer of a page row comes through here (`add_child`,
        Wagtail's publication from the admin, a schedule or a workflow, `network.domain`, the open-data
        import, the federation mirror, a copy), and only here can none of them forget it. A save limited
        to other fields (Wagtail saving a draft revision writes `latest_revision`…) leaves them alone: the
        row keeps the published hours. The directory's search vector follows the same rule, for the same
        reason: the database computes it from the texts just saved (`network.search_index`), unless a batch
        writes it once for all (`search_index_deferred`).
        """
        hours = parse_opening_hours(self.horaires)
        self.horaires_parsed = hours.to_json()
        self.sort_title = fold_accents(self.title)
        self.bassin_id = self.get_parent().pk
        created = self.pk is None
        update_fields = kwargs.get("update_fields")
        using = kwargs.get("using") or router.db_for_write(StructurePage, instance=self)
        vector = update_fields is None or bool(SEARCHED_FIELDS & set(update_fields))
        # One transaction for the row and what follows it (no savepoint of its own inside a caller's).
        with transaction.atomic(using=using, savepoint=False):
            result = super().save(*args, **kwargs)
            if update_fields is None or {"horaires", "horaires_parsed"} & set(update_fields):
                OpeningInterval.objects.replace_for(self, hours, created=created)
            if vector and not is_search_index_deferred():
                write_search_vectors(StructurePage.objects.using(using), [self])
        return result

    def get_indexed_instance(self):
        """None while the search index is deferred (`network.search_index`): the batch is indexed at once."""
        if is_search_index_deferred():
            return None
        return super().get_indexed_instance()

    # Read side -----------------------------------------------------------------------------------------

    def search_keywords(self) -> str:
        """Words a person may type that are not in the title: services, publics, types, labels.

        Title and commune come again without accents, so that a folded query matches on every backend.
        """
        return f"{fold_accents(self.title)} {fold_accents(self.commune)} {keyword_words(self)}"

    def meta_description(self) -> str:
        """What a search engine shows under the page's title: what the place offers and where."""
        where = f"{self.commune} ({self.code_postal})" if self.code_postal else self.commune
        services = ", ".join(
            lower_first(label)
            for label in self._meta.get_field("services").get_choices_display(self.services)
        )
        if not self.receives_public:
            lead = _("%(name)s, %(where)s : réseau ou partenaire de la médiation numérique.")
        elif services:
            lead = _("%(name)s, à %(where)s : %(services)s.")
        else:
            lead = _("%(name)s, à %(where)s : un lieu pour être aidé avec le numérique.")
        sentence = lead % {"name": self.title, "where": where, "services": services}
        return meta_description(sentence, self.presentation_resume)

    @cached_property
    def opening_hours(self) -> WeeklyHours:
        return (
            WeeklyHours.from_json(self.horaires_parsed) if self.horaires_parsed else parse_opening_hours("")
        )

    def is_open_at(self, moment) -> bool | None:
        """True/False when the hours are known, None when they are not (we never guess "Fermé")."""
        if not self.opening_hours.known:
            return None
        return self.opening_hours.is_open_at(moment)

    def is_open_now(self) -> bool | None:
        return self.is_open_at(timezone.now())

    @property
    def is_itinerant(self) -> bool:
        return enums.Itinerance.ITINERANT in self.itinerance

    @property
    def freshness_at(self):
        """When someone last vouched for the page: its last publish or its last « Toujours à jour »."""
        moments = [m for m in (self.last_published_at, self.confirmed_at) if m is not None]
        return max(moments) if moments else None

    @property
    def date_maj(self):
        """The schema's date_maj: the day the page was last published or confirmed up to date."""
        moment = self.freshness_at or self.latest_revision_created_at
        return timezone.localdate(moment) if moment else None

    @property
    def typologie_labels(self) -> list[str]:
        return self._meta.get_field("typologie").get_choices_display(self.typologie)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_closed(self) -> bool:
        return self.status == enums.StructureStatus.CLOSED

    @property
    def listing_group(self) -> int:
        """Where the structure comes in a public list: places that receive the public first (0), then
        networks and partners (1), then closed places (2). Lists sort on it before their own order."""
        if self.is_closed:
            return 2
        return 0 if self.receives_public else 1

    @property
    def on_public_map(self) -> bool:
        """A network or a partner has no door to show on a map: the public could not be helped there."""
        return self.receives_public and self.has_coordinates

    @staticmethod
    def map_markers(structures) -> list[dict]:
        return page_markers(structures)

    def get_context(self, request, *args, **kwargs):
        """The page's own data; its next sessions come from the `events` app's template tags."""
        context = super().get_context(request, *args, **kwargs)
        context["bassin"] = self.bassin
        context["photos"] = self.photos.select_related("image")
        context["stops"] = stops = list(self.stops.all())
        context["map_markers"] = (
            StructurePage.map_markers([self]) + [stop.map_marker() for stop in stops if stop.has_coordinates]
            if self.receives_public
            else []
        )
        context["membership_state"] = self.membership_state(request.user)
        return context

    def membership_state(self, user) -> str | None:
        """Where a signed-in person stands with this structure, for the « Rejoindre » block of its page:
        "member", "pending" (a request awaits a decision) or "none". None for anonymous visitors, who are
        the public this page is for (and cost no query)."""
        if not user.is_authenticated:
            return None
        if self.memberships.filter(user=user).exists():
            return "member"
        if self.membership_requests.pending().filter(user=user).exists():
            return "pending"
        return "none"
