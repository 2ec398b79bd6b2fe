"""The admin home per role: what a structure's people and a bassin's coordinators must keep alive.

`structure_health` reads a set of structures once, with what is missing or stale on each as annotations
(`has_upcoming`, `has_failing_feed`) and plain fields (contacts, hours, freshness), so the dashboard and the
coordinators' list cost the same few queries whatever the number of structures. The signals are filters too
(`SIGNAL_FILTERS`), applied in the database so that the list's pages and counts agree.

This lives in `home`, the layer that may compose every app: the network knows nothing of ateliers or feeds.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.ui.components import Component

from calendars.models import Feed, FeedStatus
from events.enums import Status
from events.models import Occurrence
from network import freshness
from network.enums import EDITING_ROLES, SUBMITTING_ROLES
from network.models import BassinPage, Coordination, Membership, StructurePage

# "No atelier in the next N days" is a signal: a place with nothing planned is a place people stop visiting.
UPCOMING_DAYS = 30


@dataclass(frozen=True)
class Signal:
    code: str
    label: str


def signal_labels() -> dict[str, str]:
    months = freshness.freshness_months()
    return {
        "contact": _("Ni téléphone ni e-mail"),
        "horaires": _("Pas d'horaires d'ouverture"),
        "ateliers": _("Aucun atelier dans les 30 prochains jours"),
        "calendrier": _("Calendrier synchronisé en erreur"),
        "ancienne": ngettext(
            "Pas mise à jour depuis plus d'un mois",
            "Pas mise à jour depuis plus de %(months)d mois",
            months,
        )
        % {"months": months},
        "rappel": _("Rappel de mise à jour envoyé"),
    }


def _reminded_condition() -> Q:
    """`freshness.was_reminded` in the database: a reminder sent since the page was last vouched for."""
    return Q(freshness_reminded_at__gte=F("last_published_at")) & (
        Q(confirmed_at__isnull=True) | Q(freshness_reminded_at__gte=F("confirmed_at"))
    )


def signal_filters(now) -> dict[str, Q]:
    cutoff = freshness.stale_before(now)
    return {
        "contact": Q(telephone="") & Q(courriels=""),
        "horaires": Q(horaires=""),
        "ateliers": Q(has_upcoming=False),
        "calendrier": Q(has_failing_feed=True),
        "ancienne": freshness.stale_condition(cutoff),
        "rappel": freshness.stale_condition(cutoff) & _reminded_condition(),
    }


def with_signals(structures, now):
    """Annotate a queryset of structures with what the signals need beyond their own fields."""
    upcoming = Occurrence.objects.filter(
        atelier__structure=OuterRef("pk"), start__gte=now, start__lt=now + timedelta(days=UPCOMING_DAYS)
    ).exclude(status=Status.CANCELLED)
    failing = Feed.objects.filter(structure=OuterRef("pk"), active=True, status=FeedStatus.FAILING)
    return structures.annotate(has_upcoming=Exists(upcoming), has_failing_feed=Exists(failing))


@dataclass
class StructureHealth:
    """One structure as its dashboard shows it: the page, its signals, its feeds, where the user stands."""

    structure: StructurePage
    signals: list[Signal]
    stale: bool
    reminded: bool
    feeds: list = field(default_factory=list)
    can_publish: bool = True

    @property
    def updated_on(self):
        return self.structure.date_maj


def structure_health(structure: StructurePage, now, labels: dict[str, str]) -> StructureHealth:
    """The signals of one structure read with `with_signals` (no query)."""
    stale = freshness.is_stale(structure, now)
    reminded = stale and freshness.was_reminded(structure)
    codes = []
    if not structure.telephone and not structure.courriels:
        codes.append("contact")
    if not structure.horaires:
        codes.append("horaires")
    if not structure.has_upcoming:
        codes.append("ateliers")
    if structure.has_failing_feed:
        codes.append("calendrier")
    if stale:
        codes.append("ancienne")
    if reminded:
        codes.append("rappel")
    return StructureHealth(
        structure=structure,
        signals=[Signal(code, labels[code]) for code in codes],
        stale=stale,
        reminded=reminded,
    )


# The structure's people -------------------------------------------------------------------------------------


def own_structures(user, now) -> list[StructureHealth]:
    """The structures where the user edits the page (editors) or proposes changes to it (volunteers), with
    their synchronised calendars: three queries, whatever their number."""
    roles = dict(
        Membership.objects.filter(user=user, role__in=EDITING_ROLES | SUBMITTING_ROLES).values_list(
            "structure_id", "role"
        )
    )
    if not roles:
        return []
    structures = with_signals(StructurePage.objects.filter(pk__in=roles), now).order_by("title")
    feeds: dict[int, list] = {}
    for feed in Feed.objects.filter(structure_id__in=roles).counted_in_limit().order_by("name", "pk"):
        feeds.setdefault(feed.structure_id, []).append(feed)
    labels = signal_labels()
    healths = []
    for structure in structures:
        health = structure_health(structure, now, labels)
        health.feeds = feeds.get(structure.pk, [])
        health.can_publish = roles[structure.pk] in EDITING_ROLES
        healths.append(health)
    return healths


class StructuresPanel(Component):
    """« Ma structure »: each of the user's structures, what to do next and what is missing."""

    name = "maillage_structures"
    order = 10
    template_name = "home/dashboard/structures_panel.html"

    def __init__(self, request, healths):
        self.request = request
        self.healths = healths

    def get_context_data(self, parent_context=None):
        return {
            "healths": self.healths,
            "request": self.request,
            "csrf_token": (parent_context or {}).get("csrf_token"),
            "next_url": self.request.get_full_path(),
            "ateliers_index": reverse("ateliers:index"),
            "ateliers_add": reverse("ateliers:add"),
            "calendars_index": reverse("calendriers:index"),
            "feed_ok": FeedStatus.OK,
            "feed_failing": FeedStatus.FAILING,
        }


# The bassins' coordinators ----------------------------------------------------------------------------------


def coordinated_bassins(user):
    """The bassins whose structures the user follows: those they coordinate, every one for superusers."""
    if user.is_superuser:
        return BassinPage.objects.order_by("title")
    return BassinPage.objects.filter(pk__in=Coordination.objects.filter(user=user).values("bassin")).order_by(
        "title"
    )


def bassin_summaries(bassins: list, now) -> list[dict]:
    """Per bassin, how many structures raise each signal: two queries, whatever the number of structures."""
    labels = signal_labels()
    counts = {bassin.pk: dict.fromkeys(labels, 0) for bassin in bassins}
    totals = dict.fromkeys(counts, 0)
    for structure in with_signals(StructurePage.objects.filter(bassin__in=list(counts)), now):
        totals[structure.bassin_id] += 1
        for signal in structure_health(structure, now, labels).signals:
            counts[structure.bassin_id][signal.code] += 1
    list_url = reverse("maillage_dashboard:structures")
    return [
        {
            "bassin": bassin,
            "total": totals[bassin.pk],
            "signals": [
                {
                    "code": code,
                    "label": label,
                    "count": counts[bassin.pk][code],
                    "url": f"{list_url}?bassin={bassin.pk}&signal={code}",
                }
                for code, label in labels.items()
            ],
            "url": f"{list_url}?bassin={bassin.pk}",
        }
        for bassin in bassins
    ]


class BassinsPanel(Component):
    """« Mes bassins »: for a coordinator, the signals of the bassin's structures, each a link to the list."""

    name = "maillage_bassins"
    order = 20
    template_name = "home/dashboard/bassins_panel.html"

    def __init__(self, summaries):
        self.summaries = summaries

    def get_context_data(self, parent_context=None):
        return {"summaries": self.summaries, "list_url": reverse("maillage_dashboard:structures")}


def dashboard_panels(request) -> list[Component]:
    user = request.user
    now = timezone.now()
    panels = []
    healths = own_structures(user, now)
    if healths:
        panels.append(StructuresPanel(request, healths))
    bassins = list(coordinated_bassins(user))
    if bassins:
        panels.append(BassinsPanel(bassin_summaries(bassins, now)))
    return panels
