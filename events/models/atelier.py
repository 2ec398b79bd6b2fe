"""`Atelier`: one session or a series of sessions, owned by a structure.

Ateliers are plain models, not Wagtail pages: calendar feeds will create thousands of them, and a page tree
(with revisions, paths and per-page permissions) would cost far more than it brings. Rights follow the owning
structure (see `events.permissions`).
"""

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.fields import RichTextField

from network.fields import ChoiceListField
from network.text import lower_first, meta_description

from .. import enums
from ..recurrence import Rule, Schedule, describe
from ..sanitize import clean_html


def new_uid() -> str:
    return f"{uuid.uuid4()}@{settings.MAILLAGE_ICAL_DOMAIN}"


class AtelierQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=enums.Visibility.PUBLIC, structure__live=True)

    def public_of(self, structures):
        """The public ateliers of `structures`, a queryset of structures the caller already restricted (live,
        without view restrictions): `public()` would join the structures' pages a second time to test
        `live` again, which doubled the cost of counting 200,000 ateliers."""
        return self.filter(visibility=enums.Visibility.PUBLIC, structure__in=structures)

    def for_members(self):
        """What the network's members see (`/pro/`, their private .ics): every visibility, live structures."""
        return self.filter(structure__live=True)

    def of_structure(self, structure):
        """The structure's ateliers: those it hosts and those it co-organises (e.g. a cycle's programme)."""
        co_organised = Atelier.co_organisers.through.objects.filter(structurepage=structure)
        return self.filter(Q(structure=structure) | Q(pk__in=co_organised.values("atelier_id")))

    def in_bassin(self, bassin):
        return self.filter(structure__bassin=bassin)

    def mark_sessions_changed(self) -> int:
        """Stamp `sessions_changed_at` now: one of their sessions was changed, restored or its change
        removed. Not `updated_at`, which says the series itself changed (digests mark every session of a
        changed series « modifié », the .ics bumps the series' LAST-MODIFIED)."""
        return self.update(sessions_changed_at=timezone.now())


class Atelier(models.Model):
    structure = models.ForeignKey(
        "network.StructurePage",
        on_delete=models.CASCADE,
        related_name="ateliers",
        verbose_name=_("structure"),
        db_index=False,  # the (structure, start_date) index below serves lookups by structure
    )
    uid = models.CharField(
        _("identifiant iCal"), max_length=255, unique=True, default=new_uid, editable=False
    )
    sequence = models.PositiveIntegerField(_("version iCal"), default=0, editable=False)
    # Set only on an atelier mirrored from another instance (federation/): read-only here.
    origin = models.URLField(_("instance d'origine"), blank=True, editable=False)
    source_url = models.URLField(_("page d'origine"), blank=True, editable=False)
    source = models.CharField(
        _("origine"), max_length=10, choices=enums.Source.choices, default=enums.Source.LOCAL, editable=False
    )

    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(
        _("résumé"),
        max_length=280,
        blank=True,
        validators=[MaxLengthValidator(280)],
        help_text=_("280 caractères au plus, en mots simples : ce que l'on apprend, pour qui."),
    )
    description = RichTextField(
        _("description"), blank=True, features=["bold", "italic", "ol", "ul", "link", "h3"]
    )
    themes = ChoiceListField(_("thèmes"), choices=enums.Theme.choices)
    publics = ChoiceListField(_("publics"), choices=enums.AtelierPublic.choices)
    level = models.CharField(_("niveau"), max_length=20, choices=enums.Level.choices, blank=True)

    prerequisites = models.TextField(_("prérequis"), blank=True)
    bring_smartphone = models.BooleanField(_("apporter son smartphone"), default=False)
    bring_tablet = models.BooleanField(_("apporter sa tablette"), default=False)
    bring_laptop = models.BooleanField(_("apporter son ordinateur portable"), default=False)
    needs_email = models.BooleanField(_("avoir une adresse e-mail"), default=False)
    needs_franceconnect = models.BooleanField(_("avoir un compte FranceConnect"), default=False)
    equipment_lent = models.CharField(
        _("matériel prêté"), max_length=200, blank=True, help_text=_("Par exemple : « tablettes prêtées »")
    )

    format = models.CharField(
        _("format"), max_length=12, choices=enums.Format.choices, default=enums.Format.ON_SITE
    )
    online_url = models.URLField(_("lien de connexion (à distance)"), blank=True)
    place_name = models.CharField(
        _("lieu"), max_length=200, blank=True, help_text=_("Vide : à la structure, à son adresse.")
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    price = models.CharField(
        _("tarif"), max_length=25, choices=enums.Price.choices, default=enums.Price.GRATUIT
    )
    price_amount = models.DecimalField(
        _("montant (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    price_details = models.CharField(_("précisions sur le tarif"), max_length=255, blank=True)
    registration = models.CharField(
        _("inscription"), max_length=12, choices=enums.Registration.choices, default=enums.Registration.NONE
    )
    registration_details = models.CharField(
        _("pour s'inscrire"),
        max_length=255,
        blank=True,
        help_text=_("Numéro de téléphone, adresse e-mail ou lien, selon le mode d'inscription."),
    )
    accessibility = ChoiceListField(_("prise en charge spécifique"), choices=enums.Accessibility.choices)
    wheelchair_accessible = models.BooleanField(_("accessible en fauteuil roulant"), default=False)
    kind = models.CharField(
        _("type d'événement"),
        max_length=10,
        choices=enums.Kind.choices,
        default=enums.Kind.ATELIER,
        help_text=_("Échanges de pratiques, formations et réunions de réseau sont les événements des pros."),
    )
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=enums.Visibility.choices, default=enums.Visibility.PUBLIC
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=enums.Status.choices, default=enums.Status.SCHEDULED
    )

    # Schedule: first session in Europe/Paris wall-clock time, then the rule.
    start_date = models.DateField(_("date (première séance)"))
    start_time = models.TimeField(_("heure de début"))
    end_time = models.TimeField(_("heure de fin"))
    rrule = models.CharField(_("règle de répétition (RRULE)"), max_length=500, blank=True)
    rdates = models.JSONField(_("séances ajoutées"), default=list, blank=True)
    exdates = models.JSONField(_("séances retirées"), default=list, blank=True)
    occurrences_until = models.DateField(_("séances calculées jusqu'au"), null=True, editable=False)
    # Day of the last materialised session: "has sessions ahead" without touching the occurrence table.
    last_session_date = models.DateField(null=True, blank=True, editable=False, db_index=True)
    # Events from calendars: all-day, or ending on a later day (DTEND / DURATION as the feed gives them).
    all_day = models.BooleanField(_("toute la journée"), default=False)
    end_date = models.DateField(_("date de fin (si un autre jour)"), null=True, blank=True)

    # Structures that organise the atelier with its host: it shows in their agendas and exports too.
    co_organisers = models.ManyToManyField(
        "network.StructurePage",
        blank=True,
        related_name="co_organised_ateliers",
        verbose_name=_("co-organisé avec"),
    )

    # Set when the atelier comes from a synchronised calendar (`calendars.sync`).
    feed = models.ForeignKey(
        "calendars.Feed",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ateliers",
        verbose_name=_("calendrier d'origine"),
        editable=False,
    )
    remote_uid = models.CharField(
        _("UID dans le calendrier d'origine"), max_length=1000, blank=True, editable=False
    )
    remote_sequence = models.IntegerField(null=True, blank=True, editable=False)
    remote_last_modified = models.DateTimeField(null=True, blank=True, editable=False)
    block_hash = models.CharField(max_length=64, blank=True, editable=False)
    detached = models.BooleanField(
        _("détaché du calendrier"),
        default=False,
        editable=False,
        help_text=_("Modifié ici : les synchronisations ne le changent plus."),
    )

    is_demo = models.BooleanField(_("contenu de démonstration"), default=False, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Last change of one of its sessions (`SessionOverride` created, changed or removed): the API's
    # `updated_at` is the later of the two, so that a peer following this instance sees a moved session.
    sessions_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The later of the two: when the series or one of its sessions last changed, what the API calls
    # `updated_at` and sorts its list by. Computed by the database on every write (`save`, `update`,
    # `bulk_update`, a migration's SQL alike), so no writer can forget it, and indexed with `uid` (the
    # API's order): a peer's page is then a range of that index instead of a sort of every series.
    changed_at = models.GeneratedField(
        expression=Greatest("updated_at", Coalesce("sessions_changed_at", "updated_at")),
        output_field=models.DateTimeField(),
        db_persist=True,
    )

    objects = AtelierQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["start_date", "start_time", "title"]
        indexes = [
            models.Index(fields=["structure", "start_date"]),
            models.Index(fields=["changed_at", "uid"], name="atelier_changed"),
            # The API counts the public series of live structures for its pages (`count`): read from this
            # narrow index (an index-only scan) rather than from the table's wide rows.
            models.Index(
                fields=["structure"], name="atelier_public_structure", condition=Q(visibility="public")
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "remote_uid"],
                condition=models.Q(feed__isnull=False),
                name="one_atelier_per_feed_uid",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Sanitize, and raise SEQUENCE on change (calendar apps then take the new version).

        Sessions are not rebuilt here: callers use `events.domain.save_atelier` or `rebuild_sessions`.
        """
        self.description = clean_html(self.description)
        if self.pk:
            self.sequence += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:atelier", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.start_time
            and self.end_time
            and self.end_time <= self.start_time
            and not (self.end_date and self.start_date and self.end_date > self.start_date)
        ):
            errors["end_time"] = ValidationError(
                _("L'heure de fin doit être après l'heure de début."), code="end_before_start"
            )
        if self.price == enums.Price.PAYANT and self.price_amount is None:
            errors["price_amount"] = ValidationError(
                _("Indiquez le montant d'un atelier payant."), code="price_missing"
            )
        if self.format != enums.Format.ON_SITE and not self.online_url and self.source == enums.Source.LOCAL:
            errors["online_url"] = ValidationError(
                _("Indiquez le lien de connexion d'un atelier à distance ou hybride."),
                code="online_url_missing",
            )
        needs_details = {enums.Registration.PHONE, enums.Registration.EMAIL, enums.Registration.LINK}
        if self.registration in needs_details and not self.registration_details:
            errors["registration_details"] = ValidationError(
                _("Indiquez le numéro, l'adresse ou le lien pour s'inscrire."), code="registration_missing"
            )
        if errors:
            raise ValidationError(errors)

    # Read side -----------------------------------------------------------------------------------------

    @property
    def first_start(self) -> datetime:
        return datetime.combine(self.start_date, self.start_time)

    @property
    def duration(self) -> timedelta:
        return datetime.combine(self.end_date or self.start_date, self.end_time) - self.first_start

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            start=self.first_start,
            duration=self.duration,
            rrule=self.rrule,
            rdates=tuple(datetime.fromisoformat(value) for value in self.rdates),
            exdates=tuple(datetime.fromisoformat(value) for value in self.exdates),
        )

    @property
    def rule(self) -> Rule | None:
        return Rule.from_rrule(self.rrule)

    def describe_schedule(self) -> str:
        return describe(self.rule, self.first_start, self.first_start + self.duration, all_day=self.all_day)

    @property
    def is_public(self) -> bool:
        return self.visibility == enums.Visibility.PUBLIC

    @property
    def is_free(self) -> bool:
        return self.price != enums.Price.PAYANT

    @property
    def prerequisite_flags(self) -> list[str]:
        names = ["bring_smartphone", "bring_tablet", "bring_laptop", "needs_email", "needs_franceconnect"]
        return [str(self._meta.get_field(name).verbose_name) for name in names if getattr(self, name)]

    def meta_description(self) -> str:
        """What a search engine shows under the atelier's title: when, where, for whom (and « gratuit »).

        Reads `structure` (the atelier page selects it with the atelier)."""
        publics = ", ".join(
            lower_first(label) for label in self._meta.get_field("publics").get_choices_display(self.publics)
        )
        if self.format == enums.Format.REMOTE:
            where = _("à distance")
        else:
            where = _("à %(commune)s (%(place)s)") % {
                "commune": self.place_commune(),
                "place": self.place_label(),
            }
        # An imported series has no rule we can read (« série importée ») : its sessions are on the page.
        when = self.describe_schedule() if self.rule is not None else _("en plusieurs séances")
        sentence = _("Atelier %(when)s, %(where)s, pour %(publics)s.") % {
            "when": when,
            "where": where,
            "publics": publics or _("tous"),
        }
        return meta_description(sentence, _("Gratuit.") if self.is_free else "", self.summary)

    def place_label(self) -> str:
        return self.place_name or self.structure.title

    def place_commune(self) -> str:
        return self.commune or self.structure.commune

    def coordinates(self) -> tuple[float, float] | None:
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        if self.structure.latitude is not None and self.structure.longitude is not None:
            return self.structure.latitude, self.structure.longitude
        return None
