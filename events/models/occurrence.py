"""`Occurrence`: one dated session, materialised from its atelier for the next twelve months.

Agendas, exports and digests read this table only: "what happens between these dates, in this bassin, in the
evening" becomes an indexed range query instead of expanding every series on every request. Rows are rebuilt
by `events.domain.rebuild_sessions` whenever an atelier or one of its sessions changes, and extended nightly.
Time facts used by filters (local date, evening, weekend) are computed once, in Europe/Paris, when the row is
written.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Count, F, Min, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, Floor, Least, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.fields import has_any

from .. import enums
from ..recurrence import format_hours

# Latitude bands of `place_band`, per degree (a tenth of a degree: about 11 km).
PLACE_BANDS_PER_DEGREE = 10


def place_band():
    """The latitude band of a session's resolved position (`Occurrence.place_latitude`), the first column
    of the `occurrence_place_band` index: a query must use this same expression for the index to serve."""
    return Floor(F("place_latitude") * PLACE_BANDS_PER_DEGREE)


class OccurrenceQuerySet(models.QuerySet):
    def public(self):
        """Sessions the public may see: public ateliers of live structures."""
        return self.filter(
            atelier__visibility=enums.Visibility.PUBLIC,
            atelier__structure__live=True,
        )

    def public_of(self, structures):
        """The sessions of the public ateliers of `structures`, already restricted by the caller (see
        `AtelierQuerySet.public_of`)."""
        return self.filter(atelier__visibility=enums.Visibility.PUBLIC, atelier__structure__in=structures)

    def for_members(self):
        """Sessions the network's members see (`/pro/`): every visibility, of live structures."""
        return self.filter(atelier__structure__live=True)

    def pro_events(self):
        """Professionals-only ateliers and the network's own events (échanges, formations, réunions)."""
        return self.filter(
            Q(atelier__visibility=enums.Visibility.PROFESSIONALS) | ~Q(atelier__kind=enums.Kind.ATELIER)
        )

    def for_listing(self):
        return self.select_related("atelier", "atelier__structure").order_by("start", "atelier__title", "pk")

    def first_for_listing(self, count: int, *, offset: int = 0) -> list:
        """`count` sessions in agenda order (`for_listing`) after the first `offset`, without sorting the
        whole set.

        Ordering millions of sessions by (start, atelier title) to keep six takes seconds; the
        (`offset` + `count`)-th earliest start, read along the (local_date, start) index, bounds the rows to
        sort (ties included). Its day bounds them too, so that PostgreSQL reads that index as a range.
        """
        last = offset + count
        bound = list(self.order_by("local_date", "start").values_list("local_date", "start")[last - 1 : last])
        rows = self.filter(local_date__lte=bound[0][0], start__lte=bound[0][1]) if bound else self
        return list(rows.for_listing()[offset:last])

    def first_of_each_day(self, limit: int):
        """At most `limit` sessions of each day, in agenda order, each annotated with `day_total`: how many
        sessions that day has in this queryset.

        Why: a week or a month of a calendar holding thousands of sessions a day must stay a page of
        bounded size, and the count of the rest must not cost a query per day. Both come from window
        functions over the day, in one query; ask it for ids and counts only (`values_list`) and load the
        chosen rows after: sorting every session of a busy month with all its columns costs seconds.
        """
        day = [F("local_date")]
        return self.annotate(
            day_rank=Window(RowNumber(), partition_by=day, order_by=["start", "atelier__title", "pk"]),
            day_total=Window(Count("pk"), partition_by=day),
        ).filter(day_rank__lte=limit)

    def between(self, start_date=None, end_date=None):
        queryset = self
        if start_date:
            queryset = queryset.filter(local_date__gte=start_date)
        if end_date:
            queryset = queryset.filter(local_date__lte=end_date)
        return queryset

    def upcoming(self, now):
        """Sessions not over at `now`, those that started on an earlier day and still run included.

        Why the day bound: the agenda reads its page along the (local_date, start) index, and `end` alone
        would make PostgreSQL walk every past session of the year (the window keeps twelve months back)
        before the first one still to come. A session that ends on its own day and is not over started
        today or later; only those spanning several days (`spans_days`, few, indexed) can have started
        earlier, so the first day of the one still running that started first bounds the walk.
        """
        # The day of the instant just before `now`: a session ending at midnight exactly is not over then.
        today = Value(timezone.localdate(now - timedelta(microseconds=1)), output_field=models.DateField())
        # MIN over the running ones, not ORDER BY local_date LIMIT 1: SQLite would walk the day index for it.
        running = (
            self.model._default_manager.filter(spans_days=True, end__gte=now)
            .values("spans_days")
            .annotate(first=Min("local_date"))
            .values("first")
        )
        first_day = Least(Coalesce(Subquery(running), today), today)
        return self.filter(end__gte=now, local_date__gte=first_day)

    def in_bassins(self, bassins):
        return self.filter(atelier__structure__bassin__in=bassins) if bassins else self

    def of_structure(self, structure):
        """Sessions the structure hosts or co-organises (see `AtelierQuerySet.of_structure`)."""
        return self.filter(
            Q(atelier__structure=structure) | Q(atelier_id__in=structure.co_organised_ateliers.values("pk"))
        )

    def of_structures(self, structures):
        return self.filter(atelier__structure__in=structures) if structures else self

    def in_communes(self, communes):
        return self.filter(commune__in=communes) if communes else self

    def on_themes(self, themes):
        return self.filter(has_any("atelier__themes", themes)) if themes else self

    def for_publics(self, publics):
        """An atelier "Tous publics" welcomes every public, so it matches any public asked for."""
        return self.filter(has_any("atelier__publics", [*publics, enums.TOUS_PUBLICS])) if publics else self

    def at_levels(self, levels):
        return self.filter(atelier__level__in=levels) if levels else self

    def in_formats(self, formats):
        return self.filter(atelier__format__in=formats) if formats else self

    def free(self):
        return self.exclude(atelier__price=enums.Price.PAYANT)

    def accessible(self):
        return self.filter(Q(atelier__wheelchair_accessible=True) | ~Q(atelier__accessibility=""))

    def evening(self):
        return self.filter(is_evening=True)

    def weekend(self):
        return self.filter(is_weekend=True)

    def with_places_left(self):
        return self.filter(status=enums.Status.SCHEDULED).filter(
            Q(atelier__capacity__isnull=True) | Q(seats_taken__lt=models.F("atelier__capacity"))
        )


class Occurrence(models.Model):
    # No index of its own: the (atelier, recurrence_id) and (atelier, start) ones serve every lookup by
    # atelier, and a third one was only more work for each session a sync inserts and deletes.
    atelier = models.ForeignKey(
        "events.Atelier",
        on_delete=models.CASCADE,
        related_name="occurrences",
        verbose_name=_("atelier"),
        db_index=False,
    )
    # The session's original start: its RECURRENCE-ID, stable when the session is moved.
    recurrence_id = models.DateTimeField(_("séance prévue le"))
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    local_date = models.DateField(_("jour"))
    is_evening = models.BooleanField(default=False)
    is_weekend = models.BooleanField(default=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=enums.Status.choices, default=enums.Status.SCHEDULED
    )
    is_moved = models.BooleanField(default=False)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    place_name = models.CharField(_("lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Where « près de » finds the session, resolved when the row is written (see `events.distance`): its own
    # coordinates, else its structure's. Empty for a remote session and for one that must be looked up
    # when read (held in another commune without coordinates: an itinerant stop, else the commune). Kept
    # in plain columns so that the square around a circle is an index range over millions of sessions.
    place_latitude = models.FloatField(null=True, blank=True)
    place_longitude = models.FloatField(null=True, blank=True)
    # The session is at its structure (no place of its own, in the structure's commune): when the
    # structure moves, its coordinates follow (`events.domain.follow_structure`), without a rebuild.
    at_structure = models.BooleanField(default=False)
    # Ends on a later local day than it starts (an exhibition, a two-day training): the only sessions
    # that can still be running while having started before today (`OccurrenceQuerySet.upcoming`).
    spans_days = models.BooleanField(default=False)
    seats_taken = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=255, blank=True)
    # The session's own title (`SessionOverride.title`); empty: the atelier's.
    title = models.CharField(_("titre de cette séance"), max_length=200, blank=True)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["atelier", "recurrence_id"], name="one_occurrence_per_session")
        ]
        indexes = [
            models.Index(fields=["local_date", "start"]),
            models.Index(fields=["atelier", "start"]),
            # The agenda filtered by commune reads its page along this one, already in agenda order:
            # walking the (local_date, start) index for one commune's sessions among millions took seconds.
            models.Index(fields=["commune", "local_date", "start"], name="occurrence_commune_day"),
            # « Près de » (`events.distance.within`): the square around the circle is, for each latitude
            # band it crosses (a few), one range of longitudes of this index. An index led by the latitude
            # itself read a band of latitudes across the whole country for a square of a few kilometres,
            # and PostgreSQL, costing that, walked the (local_date, start) index instead. The day comes
            # last, so that the first day still to come (`upcoming`) is tested in the index too.
            models.Index(place_band(), F("place_longitude"), F("local_date"), name="occurrence_place_band"),
            # The sessions to place when read (no resolved position: remote, or elsewhere without
            # coordinates), few, which « près de » reads along with the square.
            models.Index(
                fields=["local_date"],
                name="occurrence_unplaced",
                condition=models.Q(place_latitude__isnull=True),
            ),
            # The sessions that may still run after starting on an earlier day: few, read by `upcoming`.
            models.Index(fields=["end"], name="occurrence_spanning_end", condition=models.Q(spans_days=True)),
        ]

    def __str__(self):
        return f"{self.atelier} — {self.start:%Y-%m-%d %H:%M}"

    @property
    def display_title(self) -> str:
        """What the session is called on pages and in exports: its own title, else its atelier's."""
        return self.title or self.atelier.title

    @property
    def all_day(self) -> bool:
        """An all-day series (a calendar's `VALUE=DATE` event) has all-day sessions: no hours to show."""
        return self.atelier.all_day

    @property
    def hours_label(self) -> str:
        """« 14 h – 16 h » in Paris time, what people read on a poster; « toute la journée » for a day."""
        return format_hours(self.start, self.end, all_day=self.all_day)

    @property
    def is_cancelled(self) -> bool:
        return self.status == enums.Status.CANCELLED

    @property
    def is_full(self) -> bool:
        return self.status == enums.Status.FULL

    @property
    def places_left(self) -> int | None:
        capacity = self.atelier.capacity
        return None if capacity is None else max(capacity - self.seats_taken, 0)
