"""How well a cycle covers its territory: the figures of the coordinators' dashboard and its CSV export.

Pure computations over a cycle's contributions, no views and no writes. They answer the questions
coordinators used to answer with spreadsheets: how many contributions and sessions each bassin has against the
cycle's target, which communes, publics and themes are served, where the white zones are (bassins and communes
of the territory with no offer) and which days of the cycle have nothing on.

What must stay true:
- "Active" contributions are those of `ACTIVE_STATES` (proposed, sent back for changes, accepted): what the
  programme would offer if every open proposal were accepted. Accepted ones are also counted apart.
- A session is one date of an active contribution; the target of a bassin is a number of sessions.
- A contribution counts for every theme and public it lists, so those tables do not add up to the total.
- The number of queries does not depend on the number of contributions or structures.
"""

import csv
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from events import enums as event_enums
from network.models import BassinPage, StructurePage
from outbox.links import absolute_url

from .enums import ACTIVE_STATES, ContributionFormat, ContributionState
from .models import Contribution

CSV_DELIMITER = ";"
# Spreadsheet software reads a file starting with this mark as UTF-8 (accents intact).
BYTE_ORDER_MARK = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheet software (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = " | "


@dataclass
class Tally:
    """Active contributions and their sessions, accepted ones counted apart."""

    active: int = 0
    accepted: int = 0
    sessions: int = 0
    accepted_sessions: int = 0

    @property
    def proposed(self) -> int:
        """Active but not yet accepted: proposed, or sent back for changes."""
        return self.active - self.accepted

    def add(self, contribution: Contribution, sessions: int) -> None:
        self.active += 1
        self.sessions += sessions
        if contribution.state == ContributionState.ACCEPTED:
            self.accepted += 1
            self.accepted_sessions += sessions


@dataclass
class Line(Tally):
    """One row of a table by public, theme or format; `bar_percent` is its bar's length (longest = 100)."""

    key: str = ""
    label: str = ""
    bar_percent: int = 0


@dataclass
class BassinCoverage(Tally):
    bassin: BassinPage | None = None
    target: int = 0

    @property
    def progress_percent(self) -> int:
        """Sessions against the target, capped at 100 (the length of the progress bar)."""
        if not self.target:
            return 100
        return min(100, round(100 * self.sessions / self.target))

    @property
    def reached(self) -> bool:
        return self.sessions >= self.target

    @property
    def missing(self) -> int:
        return max(0, self.target - self.sessions)

    @property
    def is_white_zone(self) -> bool:
        return self.active == 0


@dataclass
class CommuneCoverage(Tally):
    """A commune: of the territory (it has a live structure) or where a contribution takes place."""

    name: str = ""
    bassin: BassinPage | None = None
    in_territory: bool = False
    latitude: float | None = None
    longitude: float | None = None
    bar_percent: int = 0
    index: int = 0  # position in name order: the anchor of its line in the white zones' list

    @property
    def is_white_zone(self) -> bool:
        return self.in_territory and self.active == 0

    @property
    def anchor(self) -> str:
        return f"zone-commune-{self.index}"


@dataclass
class DayCoverage:
    day: date
    sessions: int = 0
    accepted_sessions: int = 0
    bar_percent: int = 0


@dataclass
class Coverage:
    """Everything the dashboard shows for one cycle."""

    cycle: object
    totals: Tally
    declined: int
    withdrawn: int
    bassins: list[BassinCoverage]
    communes: list[CommuneCoverage]
    publics: list[Line]
    themes: list[Line]
    formats: list[Line]
    days: list[DayCoverage]
    outside_territory: int = 0
    target_total: int = 0
    white_bassins: list[BassinCoverage] = field(default_factory=list)
    white_communes: list[CommuneCoverage] = field(default_factory=list)
    empty_days: list[date] = field(default_factory=list)

    @property
    def bassins_reaching_target(self) -> int:
        return sum(1 for line in self.bassins if line.reached)

    def map_markers(self) -> list[dict]:
        """Markers of the white zones with known coordinates; each links to its line in the list."""
        markers = [
            {
                "id": f"bassin-{line.bassin.pk}",
                "name": line.bassin.title,
                "url": f"#zone-bassin-{line.bassin.pk}",
                "commune": _("Bassin sans contribution"),
                "lat": line.bassin.latitude,
                "lon": line.bassin.longitude,
            }
            for line in self.white_bassins
            if line.bassin.latitude is not None and line.bassin.longitude is not None
        ]
        markers += [
            {
                "id": line.anchor,
                "name": line.name,
                "url": f"#{line.anchor}",
                "commune": _("Commune sans contribution — %(bassin)s") % {"bassin": line.bassin.title}
                if line.bassin
                else _("Commune sans contribution"),
                "lat": line.latitude,
                "lon": line.longitude,
            }
            for line in self.white_communes
            if line.latitude is not None and line.longitude is not None
        ]
        return markers


def commune_key(name: str) -> str:
    """Communes typed by hand differ in case and spaces ("Saint-Amand", "saint-amand "): one key for both."""
    return " ".join(name.split()).casefold()


def _session_count(contribution: Contribution, days: set[date]) -> int:
    return sum(1 for day in contribution.date_list if day in days)


def _with_bars(lines: list, attribute: str = "active") -> list:
    longest = max((getattr(line, attribute) for line in lines), default=0)
    for line in lines:
        line.bar_percent = round(100 * getattr(line, attribute) / longest) if longest else 0
    return lines


def _choice_lines(choices, contributions, values_of, days) -> list[Line]:
    """One line per choice (in declaration order, zeros included: a gap is an answer), then unknown values."""
    lines = {value: Line(key=value, label=str(label)) for value, label in choices}
    for contribution in contributions:
        sessions = _session_count(contribution, days)
        for value in values_of(contribution):
            lines.setdefault(value, Line(key=value, label=value)).add(contribution, sessions)
    return _with_bars(list(lines.values()))


def compute_coverage(cycle) -> Coverage:
    """The coverage of `cycle` (see the module's docstring). Four or five queries, whatever the sizes."""
    territory = cycle.territory()
    bassins_by_id = {bassin.pk: bassin for bassin in territory}
    days = cycle.days()
    day_set = set(days)
    contributions = list(
        Contribution.objects.of_cycle(cycle)
        .visible_to_reviewers()
        .select_related("structure")
        .order_by("first_date", "start_time", "pk")
    )
    active = [contribution for contribution in contributions if contribution.state in ACTIVE_STATES]

    totals = Tally()
    bassin_lines = {
        bassin.pk: BassinCoverage(bassin=bassin, target=cycle.target_per_bassin) for bassin in territory
    }
    communes = _territory_communes(territory, bassins_by_id)
    day_lines = {day: DayCoverage(day=day) for day in days}
    outside = 0
    for contribution in active:
        sessions = _session_count(contribution, day_set)
        totals.add(contribution, sessions)
        bassin_line = bassin_lines.get(contribution.structure.bassin_id)
        if bassin_line is None:
            outside += 1
        else:
            bassin_line.add(contribution, sessions)
        name = contribution.place_commune() or ""
        if name.strip():
            line = communes.setdefault(
                commune_key(name),
                CommuneCoverage(
                    name=" ".join(name.split()),
                    bassin=bassin_line.bassin if bassin_line else None,
                ),
            )
            line.add(contribution, sessions)
        for day in contribution.date_list:
            if day in day_lines:
                day_lines[day].sessions += 1
                if contribution.state == ContributionState.ACCEPTED:
                    day_lines[day].accepted_sessions += 1

    commune_lines = sorted(communes.values(), key=lambda line: commune_key(line.name))
    for index, line in enumerate(commune_lines, start=1):
        line.index = index
    bassins = list(bassin_lines.values())
    day_list = _with_bars(list(day_lines.values()), "sessions")
    return Coverage(
        cycle=cycle,
        totals=totals,
        declined=sum(1 for c in contributions if c.state == ContributionState.DECLINED),
        withdrawn=sum(1 for c in contributions if c.state == ContributionState.WITHDRAWN),
        bassins=bassins,
        communes=_with_bars(commune_lines),
        publics=_choice_lines(
            event_enums.AtelierPublic.choices, active, lambda contribution: contribution.publics, day_set
        ),
        themes=_choice_lines(
            event_enums.Theme.choices, active, lambda contribution: contribution.themes, day_set
        ),
        formats=_choice_lines(
            ContributionFormat.choices,
            active,
            lambda contribution: [contribution.format],
            day_set,
        ),
        days=day_list,
        outside_territory=outside,
        target_total=cycle.target_per_bassin * len(territory),
        white_bassins=[line for line in bassins if line.is_white_zone],
        white_communes=[line for line in commune_lines if line.is_white_zone],
        empty_days=[line.day for line in day_list if not line.sessions],
    )


def _territory_communes(territory, bassins_by_id) -> dict[str, CommuneCoverage]:
    """The communes of the territory's live structures, placed at the average of their structures."""
    rows = (
        StructurePage.objects.live()
        .in_bassins(territory)
        .exclude(commune="")
        .order_by("path")
        .values_list("bassin_id", "commune", "latitude", "longitude")
    )
    communes: dict[str, CommuneCoverage] = {}
    points: dict[str, list[tuple[float, float]]] = {}
    for bassin_id, name, latitude, longitude in rows:
        key = commune_key(name)
        if not key:
            continue
        if key not in communes:
            communes[key] = CommuneCoverage(
                name=" ".join(name.split()),
                bassin=bassins_by_id.get(bassin_id),
                in_territory=True,
            )
            points[key] = []
        if latitude is not None and longitude is not None:
            points[key].append((latitude, longitude))
    for key, line in communes.items():
        if points[key]:
            line.latitude = round(sum(point[0] for point in points[key]) / len(points[key]), 5)
            line.longitude = round(sum(point[1] for point in points[key]) / len(points[key]), 5)
    return communes


# CSV export ------------------------------------------------------------------------------------------------


def csv_header() -> list[str]:
    return [
        _("Numéro"),
        _("Titre"),
        _("État"),
        _("Bassin de vie"),
        _("Structure qui accueille"),
        _("Structures co-organisatrices"),
        _("Format"),
        _("Thèmes"),
        _("Publics"),
        _("Dates"),
        _("Nombre de séances"),
        _("Heure de début"),
        _("Heure de fin"),
        _("Lieu"),
        _("Adresse"),
        _("Code postal"),
        _("Commune"),
        _("Nombre de places"),
        _("Inscription"),
        _("Pour s'inscrire"),
        _("Besoins"),
        _("Précisions sur les besoins"),
        _("Résumé"),
        _("Description"),
        _("Note moyenne"),
        _("Nombre de notes"),
        _("Proposée par"),
        _("Créée le"),
        _("Proposée le"),
        _("Décidée le"),
        _("Modifiée le"),
        _("Publiée dans l'agenda"),
        _("Fiche de la contribution"),
    ]


def csv_rows(cycle, contributions=None) -> list[list[str]]:
    """The header and one row per contribution (drafts excluded), in programme order.

    `contributions` narrows the export (a bassin coordinator exports what they review); by default, every
    contribution of the cycle. Three queries: the contributions with their scores, their co-organisers,
    their bassins.
    """
    if contributions is None:
        contributions = Contribution.objects.of_cycle(cycle)
    contributions = list(
        contributions.visible_to_reviewers()
        .with_scores()
        .select_related("structure", "created_by")
        .prefetch_related(
            Prefetch("co_organisers", queryset=StructurePage.objects.order_by("title").only("pk", "title"))
        )
        .order_by("first_date", "start_time", "title", "pk")
    )
    bassin_ids = {contribution.structure.bassin_id for contribution in contributions}
    bassins = dict(BassinPage.objects.filter(pk__in=bassin_ids).values_list("pk", "title"))
    rows = [csv_header()]
    for contribution in contributions:
        rows.append(
            [_cell(value) for value in _csv_values(contribution, bassins)],
        )
    return rows


def write_csv(cycle, stream, contributions=None) -> None:
    """Write the export to `stream` (a text stream or an HttpResponse): byte order mark, then `;`-separated
    rows, which spreadsheet software set to French opens as columns."""
    stream.write(BYTE_ORDER_MARK)
    writer = csv.writer(stream, delimiter=CSV_DELIMITER)
    writer.writerows(csv_rows(cycle, contributions))


def _csv_values(contribution: Contribution, bassins: dict[int, str]) -> list:
    field_of = Contribution._meta.get_field
    creator = contribution.created_by
    return [
        contribution.pk,
        contribution.title,
        contribution.get_state_display(),
        bassins.get(contribution.structure.bassin_id, ""),
        contribution.structure.title,
        LIST_SEPARATOR.join(structure.title for structure in contribution.co_organisers.all()),
        contribution.get_format_display(),
        LIST_SEPARATOR.join(field_of("themes").get_choices_display(contribution.themes)),
        LIST_SEPARATOR.join(field_of("publics").get_choices_display(contribution.publics)),
        ", ".join(day.strftime("%d/%m/%Y") for day in contribution.date_list),
        len(contribution.dates),
        contribution.start_time.strftime("%H:%M"),
        contribution.end_time.strftime("%H:%M"),
        contribution.place_label(),
        contribution.structure.adresse if contribution.at_host else contribution.address,
        contribution.structure.code_postal if contribution.at_host else contribution.postal_code,
        contribution.place_commune(),
        contribution.capacity if contribution.capacity is not None else "",
        contribution.get_registration_display(),
        contribution.registration_details,
        LIST_SEPARATOR.join(field_of("needs").get_choices_display(contribution.needs)),
        contribution.needs_details,
        contribution.summary,
        contribution.description,
        _decimal(contribution.score_average),
        contribution.score_count,
        (creator.get_full_name() or creator.email) if creator else "",
        _moment(contribution.created_at),
        _moment(contribution.submitted_at),
        _moment(contribution.decided_at),
        _moment(contribution.updated_at),
        _("oui") if contribution.atelier_id else _("non"),
        absolute_url(contribution.get_absolute_url()),
    ]


def _decimal(value) -> str:
    """A French decimal ("3,5"), empty when there is none."""
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _cell(value) -> str:
    """The cell's text, with a leading apostrophe when spreadsheet software would run it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text
