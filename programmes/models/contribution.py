"""A structure's proposal to a cycle (`Contribution`), its history (`ContributionEvent`) and scores.

State changes only happen through `programmes.domain`, which writes the history line, the e-mails and the
published atelier in the same transaction: the history is the truth of who did what, and when.
"""

from datetime import date, datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events import enums as event_enums
from network.fields import ChoiceListField

from ..enums import ACTIVE_STATES, ContributionFormat, ContributionState, EventKind, Need


class ContributionQuerySet(models.QuerySet):
    def of_cycle(self, cycle):
        return self.filter(cycle=cycle)

    def in_bassin(self, bassin):
        return self.filter(structure__bassin=bassin)

    def in_bassins(self, bassins):
        return self.filter(structure__bassin__in=bassins) if bassins else self

    def of_structures(self, structure_ids):
        """Contributions a structure hosts or co-organises."""
        return self.filter(Q(structure_id__in=structure_ids) | Q(co_organisers__in=structure_ids)).distinct()

    def in_states(self, states):
        return self.filter(state__in=states) if states else self

    def active(self):
        return self.filter(state__in=ACTIVE_STATES)

    def accepted(self):
        return self.filter(state=ContributionState.ACCEPTED)

    def visible_to_reviewers(self):
        """Drafts are the structure's own business until submitted."""
        return self.exclude(state=ContributionState.DRAFT)

    def with_scores(self):
        return self.annotate(score_average=Avg("scores__value"), score_count=Count("scores", distinct=True))

    def for_listing(self):
        return self.select_related("structure", "cycle").order_by("first_date", "start_time", "title", "pk")


class Contribution(models.Model):
    """What one structure offers during a cycle: one moment, on one or several dates at the same hours.

    Several dates at the same hours become one atelier (its first session and added sessions); different hours
    are different contributions. `atelier` is set while the contribution is accepted and points at the atelier
    published in the host's calendar (and its co-organisers'); it is removed when the contribution leaves the
    programme.
    """

    cycle = models.ForeignKey(
        "programmes.CyclePage",
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("cycle"),
    )
    structure = models.ForeignKey(
        "network.StructurePage",
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("structure qui accueille"),
    )
    co_organisers = models.ManyToManyField(
        "network.StructurePage",
        blank=True,
        related_name="co_organised_contributions",
        verbose_name=_("structures co-organisatrices"),
    )

    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(
        _("résumé"), max_length=280, help_text=_("280 caractères au plus : ce que l'on y fait, pour qui.")
    )
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=ContributionFormat.choices, default=ContributionFormat.ATELIER
    )
    themes = ChoiceListField(_("thèmes"), choices=event_enums.Theme.choices)
    publics = ChoiceListField(_("publics"), choices=event_enums.AtelierPublic.choices)

    # Dates (ISO strings, sorted) and the hours they share; `first_date` mirrors dates[0] for ordering.
    dates = models.JSONField(_("dates"), default=list)
    first_date = models.DateField(_("première date"), null=True, editable=False, db_index=True)
    start_time = models.TimeField(_("heure de début"))
    end_time = models.TimeField(_("heure de fin"))

    at_host = models.BooleanField(
        _("à la structure"), default=True, help_text=_("Décochez si la séance a lieu dans un autre lieu.")
    )
    place_name = models.CharField(_("nom du lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)

    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    registration = models.CharField(
        _("inscription"),
        max_length=12,
        choices=event_enums.Registration.choices,
        default=event_enums.Registration.NONE,
    )
    registration_details = models.CharField(_("pour s'inscrire"), max_length=255, blank=True)
    needs = ChoiceListField(_("besoins"), choices=Need.choices)
    needs_details = models.TextField(
        _("précisions sur les besoins"),
        blank=True,
        help_text=_("Quel matériel, quel sujet pour l'intervenant·e…"),
    )

    state = models.CharField(
        _("état"), max_length=12, choices=ContributionState.choices, default=ContributionState.DRAFT
    )
    atelier = models.OneToOneField(
        "events.Atelier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contribution",
        verbose_name=_("atelier publié"),
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("proposée le"), null=True, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["first_date", "start_time", "title"]
        indexes = [models.Index(fields=["cycle", "state"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.dates = sorted(set(self.dates))
        self.first_date = date.fromisoformat(self.dates[0]) if self.dates else None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("programmes:contribution", kwargs={"pk": self.pk})

    # Read side -----------------------------------------------------------------------------------------

    @property
    def date_list(self) -> list[date]:
        return [date.fromisoformat(value) for value in self.dates]

    def session_starts(self) -> list[datetime]:
        return [datetime.combine(day, self.start_time) for day in self.date_list]

    @property
    def last_date(self) -> date | None:
        return self.date_list[-1] if self.dates else None

    def place_label(self) -> str:
        return self.structure.title if self.at_host else (self.place_name or self.structure.title)

    def place_commune(self) -> str:
        return self.structure.commune if self.at_host else (self.commune or self.structure.commune)

    @property
    def is_draft(self) -> bool:
        return self.state == ContributionState.DRAFT

    @property
    def is_accepted(self) -> bool:
        return self.state == ContributionState.ACCEPTED

    @property
    def is_closed(self) -> bool:
        return self.state in (ContributionState.DECLINED, ContributionState.WITHDRAWN)

    def can_be_changed_by_structure(self, today: date | None = None) -> bool:
        """The structure edits its proposal until the call closes, and afterwards when asked to."""
        if self.state == ContributionState.CHANGES_REQUESTED:
            return True
        if self.is_closed:
            return False
        today = today or timezone.localdate()
        return today <= self.cycle.call_closes

    def can_be_submitted(self, today: date | None = None) -> bool:
        if self.state == ContributionState.CHANGES_REQUESTED:
            return True
        return self.state == ContributionState.DRAFT and self.cycle.is_call_open(today)

    def can_be_withdrawn(self) -> bool:
        return self.state not in (ContributionState.DECLINED, ContributionState.WITHDRAWN)


class ContributionEvent(models.Model):
    """One line of a contribution's history and comment thread; never changed once written."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="events", verbose_name=_("contribution")
    )
    kind = models.CharField(_("événement"), max_length=12, choices=EventKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("par"),
    )
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(_("état après"), max_length=12, choices=ContributionState.choices)
    changed_fields = models.JSONField(_("champs modifiés"), default=list, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("historique d'une contribution")
        verbose_name_plural = _("historiques des contributions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.contribution} — {self.get_kind_display()}"


class ContributionScore(models.Model):
    """One reviewer's mark (1 to 5) on a contribution; the review list shows their average."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(
        _("note"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "reviewer"], name="one_score_per_reviewer"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=5), name="score_between_1_and_5"),
        ]

    def __str__(self):
        return f"{self.contribution}: {self.value}"
