"""Demo ateliers: the workshops the field study describes, scheduled over the next eight weeks.

The facts (titles, themes, publics, capacities, prices, rhythms) come from the `ateliers` of
`network/fixtures/demo_territory.json`, the project's copy of the study. Where the text gives a rhythm
(« le vendredi », « à partir de 18h30 », « tous les mercredis matin et après-midi », the stops of a bus), the
demo follows it; where it does not, a plausible slot is derived from the atelier's uid, so that it is the
same on every run. Workshops the study describes as past, stopped or only planned are left out, and no
structure is invented.

Loading is idempotent: each atelier has a deterministic uid (`demo-<structure-slug>-<n>@…`); a re-run
updates in place what changed (raising SEQUENCE only then), removes demo ateliers the plan no longer holds,
and never duplicates. Occurrences are materialised once per changed atelier, overrides included.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network.demo import read_fixture
from network.models import StructurePage
from network.text import a_name, de_name

from .. import enums
from ..domain import rebuild_sessions
from ..models import Atelier, SessionOverride
from ..recurrence import WEEKDAY_CODES, Schedule, localize
from ..sanitize import clean_html
from .tables import (
    CYCLES,
    DEFAULT_RHYTHMS,
    DEFAULT_SLOTS,
    DEMO_WEEKS,
    ONE_OFF_WORDS,
    PAST_MARKERS,
    PLANS,
    PRO_AUDIENCE,
    PUBLIC_WORDS,
    STOPPED_MARKERS,
    SUMMARIES,
    THEME_WORDS,
    UID_DOMAIN,
    UID_PREFIX,
)


@dataclass
class DemoAteliersReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    uids: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [
            ngettext("%(count)d créé", "%(count)d créés", self.created) % {"count": self.created},
            ngettext("%(count)d mis à jour", "%(count)d mis à jour", self.updated) % {"count": self.updated},
            ngettext("%(count)d retiré", "%(count)d retirés", self.deleted) % {"count": self.deleted},
            ngettext("%(count)d inchangé", "%(count)d inchangés", self.unchanged) % {"count": self.unchanged},
        ]
        return _("Ateliers de démonstration : %(counts)s.") % {"counts": ", ".join(parts)}


def demo_uid(slug: str, n: int | str) -> str:
    return f"{UID_PREFIX}{slug}-{n}@{UID_DOMAIN}"


def _text(item: dict) -> str:
    return " ".join(str(item.get(key) or "") for key in ("title", "theme", "audience", "schedule")).lower()


def _is_current(item: dict) -> bool:
    """Past events (2019, 2020), stopped or planned workshops are not scheduled in the demo."""
    return not any(marker in _text(item) for marker in PAST_MARKERS + STOPPED_MARKERS)


def _first_on(day: str, after: date) -> date:
    """The first `day` strictly after `after` (the demo never schedules a session for today)."""
    offset = (WEEKDAY_CODES.index(day) - after.weekday() - 1) % 7 + 1
    return after + timedelta(days=offset)


def _choose(values: list, key: str, salt: str):
    return values[zlib.crc32(f"{key}:{salt}".encode()) % len(values)]


def _capacity(item: dict) -> int | None:
    match = re.search(r"\d+", item.get("capacity") or "")
    return int(match.group()) if match else None


def _price(item: dict, plan: dict) -> dict:
    text = (item.get("price") or "").lower()
    if "payant" in text or "price" in plan:
        amount = re.search(r"(\d+)\s*€", text)
        said = (item.get("price") or "").partition(":")[2].strip()
        details = said[:1].upper() + said[1:] if said else "Tarif à la séance."
        amount = Decimal(amount.group(1)) if amount else Decimal(plan.get("price", "5.00"))
        return {"price": enums.Price.PAYANT, "price_amount": amount, "price_details": details}
    if "pris en charge" in text:
        return {
            "price": enums.Price.GRATUIT_SOUS_CONDITION,
            "price_amount": None,
            "price_details": "Pris en charge par l'agglomération pour ses habitants.",
        }
    return {"price": enums.Price.GRATUIT, "price_amount": None, "price_details": ""}


def _matches(text: str, table, default) -> list[str]:
    found = [value for value, words in table if any(word in f" {text}" for word in words)]
    return [str(value) for value in found] or [str(default)]


def _level(text: str) -> str:
    if any(word in text for word in ("perfectionnement", "intermédiaire")):
        return enums.Level.INTERMEDIAIRE
    if any(word in text for word in ("initiation", "premiers pas", "débutant", "bases", "découv")):
        return enums.Level.DEBUTANT
    return enums.Level.DECOUVERTE


def _summary(item: dict) -> str:
    parts = [item.get("theme") or item["title"]]
    if item.get("audience"):
        parts.append(f"Pour : {item['audience']}")
    if item.get("partners"):
        parts.append("Avec : " + ", ".join(item["partners"]))
    text = ". ".join(part.rstrip(".") for part in parts) + "."
    return text if len(text) <= 280 else text[:279].rsplit(" ", 1)[0] + "…"


def _description(item: dict, structure) -> str:
    facts = [f"<p>{escape(item.get('theme') or item['title'])}.</p>"]
    lines = [
        ("Public", item.get("audience")),
        ("Quand", item.get("schedule")),
        ("Places", item.get("capacity")),
        ("Tarif", item.get("price")),
    ]
    items = "".join(f"<li>{label} : {escape(value)}</li>" for label, value in lines if value)
    if items:
        facts.append(f"<ul>{items}</ul>")
    facts.append(
        "<p><em>Atelier de démonstration : le contenu s'inspire de ce que propose ce lieu, les dates sont "
        "inventées.</em></p>"
    )
    return "".join(facts)


def _rrule(plan: dict, until: date) -> str:
    days = plan.get("days") or (plan["day"],)
    if plan.get("monthly"):
        return f"FREQ=MONTHLY;BYDAY={plan['monthly']}{days[0]};UNTIL={until:%Y%m%d}T235959"
    every = plan.get("every", 1)
    if not every:
        return ""
    parts = ["FREQ=WEEKLY"] + ([f"INTERVAL={every}"] if every > 1 else []) + ["BYDAY=" + ",".join(days)]
    parts.append(f"COUNT={plan['count']}" if plan.get("count") else f"UNTIL={until:%Y%m%d}T235959")
    return ";".join(parts)


def _default_plan(uid: str, text: str) -> dict:
    """A plausible weekday slot, the same on every run (derived from the uid, not from chance)."""
    start, end = _choose(DEFAULT_SLOTS, uid, "slot")
    rhythm = _choose(DEFAULT_RHYTHMS, uid, "rhythm")
    plan = {"day": _choose(WEEKDAY_CODES[:5], uid, "day"), "start": start, "end": end}
    if "soir" in text:
        plan.update(start=time(18, 30), end=time(20))
    if any(word in text for word in ONE_OFF_WORDS):
        rhythm = 0
    if rhythm == "monthly":
        plan["monthly"] = _choose([1, 2, 3, -1], uid, "position")
    else:
        plan["every"] = rhythm
    return plan


@dataclass
class Planned:
    """One demo atelier as it should be: model values and the per-session overrides."""

    structure: object
    values: dict
    overrides: list[dict] = field(default_factory=list)


def _planned(structure, item: dict, n, plan: dict, today: date, stop: dict | None, week: int = 0):
    uid = demo_uid(structure.slug, n)
    until = today + timedelta(weeks=DEMO_WEEKS)
    days = plan.get("days") or (plan["day"],)
    start_date = _first_on(days[0], today + timedelta(weeks=week))
    if plan.get("monthly"):
        start_date = _nth_weekday(start_date, days[0], plan["monthly"], until)
    text = _text(item)
    pro = any(word in text for word in PRO_AUDIENCE)
    capacity = plan.get("capacity") or _capacity(item)
    phone = (structure.telephone or [None])[0]
    if phone:
        registration = {"registration": enums.Registration.PHONE, "registration_details": phone}
    elif capacity:
        registration = {
            "registration": enums.Registration.ON_SITE,
            "registration_details": f"À l'accueil {de_name(structure.title)}",
        }
    else:
        registration = {"registration": enums.Registration.NONE, "registration_details": ""}
    values = {
        "uid": uid,
        "title": item["title"] + (f" — halte {a_name(stop['commune'])}" if stop and "stops" in plan else ""),
        "summary": plan.get("summary") or _summary(item),
        "description": _description(item, structure),
        "themes": _matches(text, THEME_WORDS, enums.Theme.OUTILS_QUOTIDIEN),
        "publics": _matches(text, PUBLIC_WORDS, enums.AtelierPublic.TOUS),
        "level": _level(text),
        "capacity": capacity,
        "visibility": enums.Visibility.PROFESSIONALS if pro else enums.Visibility.PUBLIC,
        "start_date": start_date,
        "start_time": plan["start"],
        "end_time": plan["end"],
        "rrule": "" if stop and "stops" in plan else _rrule(plan, until),
        "rdates": [],
        "exdates": [],
        "place_name": f"Bus numérique, halte {de_name(stop['commune'])}" if stop else "",
        "commune": stop["commune"] if stop else "",
        "latitude": stop.get("latitude") if stop else None,
        "longitude": stop.get("longitude") if stop else None,
        "bring_tablet": False,
        "equipment_lent": "Tablettes prêtées" if plan.get("tablets") else "",
        **registration,
        **_price(item, plan),
    }
    starts = Schedule(
        start=datetime.combine(start_date, plan["start"]),
        duration=timedelta(hours=1),
        rrule=values["rrule"],
    ).starts_between(datetime.combine(today, time.min), datetime.combine(until + timedelta(days=1), time.min))
    if plan.get("also"):
        values["rdates"] = [datetime.combine(moment.date(), plan["also"]).isoformat() for moment in starts]
    overrides = [
        {
            "original_start": starts[index - 1],
            "status": enums.Status.FULL,
            "seats_taken": capacity or 0,
            "note": "Complet : inscrivez-vous pour une prochaine séance.",
        }
        for index in plan.get("full", ())
        if index <= len(starts)
    ]
    overrides += [
        {
            "original_start": starts[index - 1],
            "status": enums.Status.CANCELLED,
            "note": "Séance annulée : la médiathèque est fermée ce jour-là.",
        }
        for index in plan.get("cancelled", ())
        if index <= len(starts)
    ]
    overrides += [
        {
            "original_start": starts[index - 1],
            "status": enums.Status.SCHEDULED,
            "place_name": "Salle des fêtes",
            "commune": structure.commune,
            "note": "Exceptionnellement à la salle des fêtes.",
        }
        for index in plan.get("moved", ())
        if index <= len(starts)
    ]
    return Planned(structure=structure, values=values, overrides=overrides)


def _nth_weekday(after: date, day: str, position: int, until: date) -> date:
    """The first date after `after` that is the `position`-th `day` of its month (-1: the last)."""
    moment = after
    while moment <= until + timedelta(days=62):
        same_month = [moment + timedelta(weeks=k) for k in range(-5, 6)]
        in_month = sorted(d for d in same_month if d.month == moment.month)
        if in_month[position if position < 0 else position - 1] == moment:
            return moment
        moment += timedelta(weeks=1)
    return after


def plan_demo_ateliers(structures: dict, *, today: date) -> list[Planned]:
    """Everything the demo should hold, from the fixture, for the structures that exist."""
    planned = []
    for data in read_fixture()["structures"]:
        structure = structures.get(data["slug"])
        if structure is None or data.get("status", "active") != "active":
            continue
        cycle = CYCLES.get(data["slug"])
        for n, item in enumerate(data.get("ateliers") or [], start=1):
            if not _is_current(item):
                continue
            if cycle:
                planned.append(_planned(structure, item, n, {**cycle, "every": 0}, today, None, week=n - 1))
                continue
            plan = PLANS.get((data["slug"], n)) or _default_plan(demo_uid(data["slug"], n), _text(item))
            plan = {**plan, "summary": SUMMARIES.get((data["slug"], n), "")}
            # Stops the study locates first: the others would show on the map at the bus's base.
            stops = sorted(data.get("stops") or [], key=lambda stop: stop.get("latitude") is None)
            if "stops" in plan:
                for index, stop in enumerate(stops[: plan["stops"]]):
                    uid_n = f"{n}-{slugify(stop['commune'])}"
                    planned.append(_planned(structure, item, uid_n, plan, today, stop, week=index))
            else:
                stop = stops[plan["stop"]] if "stop" in plan and stops else None
                planned.append(_planned(structure, item, n, plan, today, stop))
    return planned


def _differs(atelier: Atelier, values: dict) -> bool:
    for name, value in values.items():
        current = getattr(atelier, name)
        if name in ("themes", "publics"):
            current, value = set(current), set(value)
        elif name == "description":
            value = clean_html(value)
        if current != value:
            return True
    return False


def _sync_overrides(atelier: Atelier, wanted: list[dict]) -> bool:
    """Make the atelier's overrides exactly `wanted`, without their per-save re-materialisation."""
    existing = {override.original_start: override for override in atelier.overrides.all()}
    keys = set()
    changed = False
    for spec in wanted:
        key = localize(spec["original_start"])
        keys.add(key)
        values = {name: value for name, value in spec.items() if name != "original_start"}
        current = existing.get(key)
        if current is None:
            SessionOverride.objects.bulk_create(
                [SessionOverride(atelier=atelier, original_start=key, **values)]
            )
            changed = True
        elif any(getattr(current, name) != value for name, value in values.items()):
            SessionOverride.objects.filter(pk=current.pk).update(sequence=current.sequence + 1, **values)
            changed = True
    stale = [override.pk for key, override in existing.items() if key not in keys]
    if stale:
        SessionOverride.objects.filter(pk__in=stale).delete()
        changed = True
    if changed:
        # The prefetched overrides are stale now: materialising must read the new ones.
        getattr(atelier, "_prefetched_objects_cache", {}).pop("overrides", None)
    return changed


@transaction.atomic
def load_demo_ateliers(*, today: date | None = None) -> DemoAteliersReport:
    """Create or update the demo ateliers of the demo structures; return what changed."""
    today = today or timezone.localdate()
    structures = {page.slug: page for page in StructurePage.objects.all()}
    planned = plan_demo_ateliers(structures, today=today)
    report = DemoAteliersReport(uids=[item.values["uid"] for item in planned])
    existing = {
        atelier.uid: atelier
        for atelier in Atelier.objects.filter(is_demo=True, uid__startswith=UID_PREFIX).prefetch_related(
            "overrides"
        )
    }
    for item in planned:
        atelier = existing.pop(item.values["uid"], None)
        if atelier is None:
            atelier = Atelier(structure=item.structure, is_demo=True, **item.values)
            atelier.save()
            report.created += 1
            changed = True
        else:
            changed = _differs(atelier, item.values) or atelier.structure_id != item.structure.pk
            if changed:
                for name, value in item.values.items():
                    setattr(atelier, name, value)
                atelier.structure = item.structure
                atelier.save()
                report.updated += 1
        atelier.structure = item.structure
        changed = _sync_overrides(atelier, item.overrides) or changed
        if changed:
            rebuild_sessions(atelier=atelier, today=today)
        else:
            report.unchanged += 1
    if existing:
        report.deleted = len(existing)
        Atelier.objects.filter(pk__in=[atelier.pk for atelier in existing.values()]).delete()
    return report
