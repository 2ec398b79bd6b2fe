"""The weekly opening intervals of a structure, one row per (day, range): its parsed `horaires`, as a table.

« Ouvert maintenant » asks, of thousands of places at once, whether the current Paris weekday and minute fall
in one of their ranges. Reading every place's hours and evaluating them in Python costs what the directory
holds; as rows indexed by (weekday, opens), the question is an indexed EXISTS the directory paginates like
its other filters.

What must stay true: the rows of a structure are exactly the ranges of `WeeklyHours.days` of its page row
(`StructurePage.horaires_parsed`), so that the database answers as `WeeklyHours.is_open_at` does. They are
rewritten where `horaires_parsed` is: in `StructurePage.save()`, the one step every writer of a page row
goes through (see `OpeningIntervalQuerySet.replace_for`).
"""

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from ..horaires import PARIS, WeeklyHours


class OpeningIntervalQuerySet(models.QuerySet):
    def replace_for(self, structure, hours: WeeklyHours, *, created: bool) -> None:
        """Make `structure`'s rows the ranges of `hours`: a DELETE (not for a new page) and one INSERT."""
        if not created:
            self.filter(structure=structure).delete()
        self.bulk_create(
            self.model(structure=structure, weekday=weekday, opens=opens, closes=closes)
            for weekday, ranges in enumerate(hours.days)
            for opens, closes in ranges
        )

    def open_at(self, moment):
        """The rows whose range contains `moment`, read as Paris wall-clock time (as `WeeklyHours.is_open_at`
        reads it)."""
        local = moment.astimezone(PARIS)
        minute = local.hour * 60 + local.minute
        return self.filter(weekday=local.weekday(), opens__lte=minute, closes__gt=minute)

    def covers(self, moment):
        """An EXISTS for a structure QuerySet: the structure has a range containing `moment`."""
        return Exists(self.open_at(moment).filter(structure=OuterRef("pk")))


class OpeningInterval(models.Model):
    """One opening range of a structure on one weekday (0 is Monday), in minutes from local midnight.

    `closes` is at most 1440: a range past midnight is stored as two rows, the second on the next day, as
    `WeeklyHours` holds it. A place whose hours are unknown or always closed has no row.
    """

    structure = models.ForeignKey(
        "network.StructurePage",
        on_delete=models.CASCADE,
        related_name="opening_intervals",
        db_index=False,  # The first column of `opening_by_structure`.
    )
    weekday = models.PositiveSmallIntegerField(_("jour de la semaine"))
    opens = models.PositiveSmallIntegerField(_("ouverture (minutes depuis minuit)"))
    closes = models.PositiveSmallIntegerField(_("fermeture (minutes depuis minuit)"))

    objects = OpeningIntervalQuerySet.as_manager()

    class Meta:
        verbose_name = _("plage d'ouverture")
        verbose_name_plural = _("plages d'ouverture")
        indexes = [
            # A page of the directory checks its structures one by one along this index…
            models.Index(fields=["structure", "weekday", "opens", "closes"], name="opening_by_structure"),
            # …and its count reads the structures open at one weekday and minute from this one.
            models.Index(fields=["weekday", "opens", "closes", "structure"], name="opening_by_moment"),
        ]

    def __str__(self) -> str:
        return f"{self.structure_id} {self.weekday} {self.opens}-{self.closes}"
