"""Forms of the ateliers admin: the atelier form with its recurrence editor, the per-session form.

People never type an RRULE. `ScheduleForm` asks plain questions (repeat weekly or monthly, on which days,
until when, which dates to skip) and composes the rule with `Rule.to_rrule()`; editing reads it back with
`Rule.from_rrule()`. A rule the editor cannot show (imported from elsewhere) is displayed and kept as is.
The same form serves the live preview endpoint, so the preview and the save always agree. A rule sent as
is (`raw_rrule`) must repeat daily to yearly (`events.recurrence.rule_error`), and the preview's expansion is
bounded in work (`events.recurrence.rule_moments`): any POST answers fast.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from network.models import StructurePage
from network.permissions import manageable_structures
from network.text import french_date

from . import enums
from .models import Atelier
from .recurrence import (
    WEEKDAY_CODES,
    Rule,
    Schedule,
    describe,
    format_time,
    localize,
    rule_error,
    to_local_naive,
)

PREVIEW_SESSIONS = 10
PREVIEW_YEARS = 3
DATE_WIDGET_FORMAT = "%Y-%m-%d"
# What a person may still change on an atelier that a calendar feed or another instance keeps up to date.
IMPORTED_EDITABLE_FIELDS = frozenset({"themes", "publics", "visibility", "level"})
RECURRENCE_FIELDS = (
    "repetition",
    "interval",
    "weekdays",
    "monthly_position",
    "ending",
    "until",
    "count",
    "skipped_dates",
)


class Ending(models.TextChoices):
    NEVER = "jamais", gettext_lazy("Sans date de fin")
    UNTIL = "date", gettext_lazy("Jusqu'à une date")
    COUNT = "nombre", gettext_lazy("Après un nombre de séances")


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format=DATE_WIDGET_FORMAT)


def time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def session_label(start: datetime, end: datetime | None = None) -> str:
    """« mardi 5 janvier 2027, 14 h – 16 h » in Europe/Paris, as the admin lists sessions."""
    local = to_local_naive(start)
    text = french_date(local.date(), "l j F Y") + ", " + format_time(local.time())
    if end is not None:
        text += " – " + format_time(to_local_naive(end).time())
    return text


def schedule_preview(
    *, start: datetime, end: datetime, rule: Rule | None, rrule: str, exdates=(), today=None
):
    """The sentence and the next sessions of a schedule, for the preview fragment (naive local times)."""
    today = today or timezone.localdate()
    schedule = Schedule(start=start, duration=end - start, rrule=rrule, exdates=tuple(exdates))
    window_start = max(start, datetime.combine(today, time.min))
    window_end = datetime.combine(today + timedelta(days=366 * PREVIEW_YEARS), time.min)
    starts = schedule.starts_between(window_start, window_end)
    return {
        "sentence": describe(rule, start, end),
        "sessions": [
            session_label(moment, moment + schedule.duration) for moment in starts[:PREVIEW_SESSIONS]
        ],
        "has_more": len(starts) > PREVIEW_SESSIONS,
    }


def parse_dates(text: str) -> list[date]:
    """Dates typed one per line as JJ/MM/AAAA (or AAAA-MM-JJ); ValidationError naming the bad line."""
    values = []
    for line in filter(None, (line.strip() for line in (text or "").splitlines())):
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
            try:
                values.append(datetime.strptime(line, pattern).date())
                break
            except ValueError:
                continue
        else:
            raise forms.ValidationError(
                _("« %(line)s » n'est pas une date : écrivez-la JJ/MM/AAAA, une par ligne.") % {"line": line},
                code="invalid_date",
            )
    return sorted(set(values))


def initial_schedule(atelier: Atelier) -> dict:
    """The recurrence editor's values for an existing atelier (empty when its rule cannot be shown)."""
    rule = atelier.rule
    if rule is None:
        return {"raw_rrule": atelier.rrule}
    ending = Ending.UNTIL if rule.until else Ending.COUNT if rule.count else Ending.NEVER
    skipped = [datetime.fromisoformat(value).date() for value in atelier.exdates]
    return {
        "repetition": rule.frequency,
        "interval": rule.interval,
        "weekdays": rule.weekdays,
        "monthly_position": rule.position,
        "ending": ending,
        "until": rule.until,
        "count": rule.count,
        "skipped_dates": "\n".join(f"{day:%d/%m/%Y}" for day in skipped),
    }


class ScheduleForm(forms.Form):
    """When the atelier takes place; `clean()` leaves `rrule`, `exdates` and `preview` in cleaned_data."""

    start_date = forms.DateField(label=gettext_lazy("Date de la première séance"), widget=date_input())
    start_time = forms.TimeField(label=gettext_lazy("Heure de début"), widget=time_input())
    end_time = forms.TimeField(label=gettext_lazy("Heure de fin"), widget=time_input())
    repetition = forms.ChoiceField(
        label=gettext_lazy("Répétition"),
        choices=enums.Frequency.choices,
        required=False,
        initial="",
        widget=forms.RadioSelect,
    )
    interval = forms.IntegerField(
        label=gettext_lazy("Toutes les … semaines (ou mois)"),
        min_value=1,
        max_value=52,
        initial=1,
        required=False,
        help_text=gettext_lazy("1 : chaque semaine ; 2 : une semaine sur deux."),
    )
    weekdays = forms.MultipleChoiceField(
        label=gettext_lazy("Jours"),
        choices=enums.Weekday.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Aucun jour coché : le jour de la première séance."),
    )
    monthly_position = forms.TypedChoiceField(
        label=gettext_lazy("Chaque mois, le …"),
        choices=[
            ("", gettext_lazy("même quantième (par exemple le 12 de chaque mois)")),
            *enums.MonthlyPosition.choices,
        ],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("Par exemple « dernier » et « jeudi » : le dernier jeudi du mois."),
    )
    ending = forms.ChoiceField(
        label=gettext_lazy("Fin de la série"),
        choices=Ending.choices,
        initial=Ending.NEVER,
        required=False,
        widget=forms.RadioSelect,
    )
    until = forms.DateField(label=gettext_lazy("Jusqu'au"), required=False, widget=date_input())
    count = forms.IntegerField(
        label=gettext_lazy("Nombre de séances"), min_value=1, max_value=500, required=False
    )
    skipped_dates = forms.CharField(
        label=gettext_lazy("Séances retirées"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Les jours sans atelier (vacances, jours fériés) : une date par ligne, JJ/MM/AAAA."
        ),
    )
    raw_rrule = forms.CharField(required=False, widget=forms.HiddenInput)

    check_times = True

    def clean(self):
        cleaned = super().clean()
        start_date, start_time, end_time = (
            cleaned.get(name) for name in ("start_date", "start_time", "end_time")
        )
        if not (start_date and start_time and end_time):
            return cleaned
        if end_time <= start_time:
            if self.check_times:
                self.add_error("end_time", _("L'heure de fin doit être après l'heure de début."))
            return cleaned
        start = datetime.combine(start_date, start_time)
        end = datetime.combine(start_date, end_time)
        raw = self.kept_rrule()
        if raw is not None and (error := self.raw_rule_error(raw)):
            self.add_error(None, forms.ValidationError(error, code="rrule_refused"))
            return cleaned
        if raw is not None:
            rule, rrule, exdates = Rule.from_rrule(raw), raw, self.kept_exdates()
        else:
            rule = self.compose_rule(cleaned, start_date)
            if rule is None:
                return cleaned
            rrule = rule.to_rrule()
            exdates = self.compose_exdates(cleaned, start, rrule)
            if exdates is None:
                return cleaned
            self.check_first_session(start, rrule, rule)
        cleaned["rrule"] = rrule
        cleaned["exdates"] = [moment.isoformat() for moment in exdates]
        if not set(self.errors) & {"start_date", "start_time", "end_time", *RECURRENCE_FIELDS}:
            try:
                cleaned["preview"] = schedule_preview(
                    start=start, end=end, rule=rule, rrule=rrule, exdates=exdates
                )
            except ValueError:
                cleaned["preview"] = None
        return cleaned

    def kept_rrule(self) -> str | None:
        """A rule the editor cannot show, to keep untouched; None when the editor composes the rule."""
        raw = self.cleaned_data.get("raw_rrule") or ""
        return raw if raw and Rule.from_rrule(raw) is None else None

    def kept_exdates(self) -> list[datetime]:
        return []

    def raw_rule_error(self, raw: str) -> str | None:
        """Why a rule sent as is cannot be taken (French), or None."""
        return rule_error(raw)

    def compose_rule(self, cleaned, start_date: date) -> Rule | None:
        frequency = cleaned.get("repetition") or ""
        if not frequency:
            return Rule()
        own_day = WEEKDAY_CODES[start_date.weekday()]
        rule = Rule(
            frequency=frequency,
            interval=cleaned.get("interval") or 1,
            weekdays=list(cleaned.get("weekdays") or []),
        )
        if frequency == enums.Frequency.WEEKLY:
            rule.weekdays = rule.weekdays or [own_day]
        else:
            rule.position = cleaned.get("monthly_position")
            rule.weekdays = (rule.weekdays or [own_day]) if rule.position else []
        ending = cleaned.get("ending") or Ending.NEVER
        if ending == Ending.UNTIL:
            until = cleaned.get("until")
            if until is None:
                self.add_error("until", _("Indiquez la date de la dernière séance."))
                return None
            if until < start_date:
                self.add_error("until", _("La date de fin doit être après la première séance."))
                return None
            rule.until = until
        elif ending == Ending.COUNT:
            if not cleaned.get("count"):
                self.add_error("count", _("Indiquez le nombre de séances."))
                return None
            rule.count = cleaned["count"]
        return rule

    def compose_exdates(self, cleaned, start: datetime, rrule: str) -> list[datetime] | None:
        if not rrule:
            return []
        try:
            days = parse_dates(cleaned.get("skipped_dates", ""))
        except forms.ValidationError as error:
            self.add_error("skipped_dates", error)
            return None
        limit = settings.MAILLAGE_FEED_MAX_DATES_PER_SERIES
        if len(days) > limit:
            self.add_error(
                "skipped_dates",
                forms.ValidationError(
                    _("Au plus %(limit)d séances retirées par série.") % {"limit": limit},
                    code="too_many_dates",
                ),
            )
            return None
        schedule = Schedule(start=start, duration=timedelta(0), rrule=rrule)
        exdates = [datetime.combine(day, start.time()) for day in days]
        sessions = (
            set(schedule.starts_between(exdates[0], exdates[-1] + timedelta(seconds=1))) if exdates else set()
        )
        strays = [moment for moment in exdates if moment not in sessions]
        if strays:
            self.add_error(
                "skipped_dates",
                _("Pas de séance prévue le %(dates)s : retirez cette date de la liste.")
                % {"dates": ", ".join(french_date(m.date(), "j F Y") for m in strays)},
            )
            return None
        return exdates

    def check_first_session(self, start: datetime, rrule: str, rule: Rule) -> None:
        """RFC 5545 wants DTSTART to be the first session; calendar apps disagree otherwise."""
        if not rrule:
            return
        schedule = Schedule(start=start, duration=timedelta(0), rrule=rrule)
        horizon = start + timedelta(days=400 * max(rule.interval, 1))
        starts = schedule.starts_between(start, horizon)
        if starts and starts[0] == start:
            return
        message = _("La première séance doit suivre la règle de répétition.")
        if starts:
            message += " " + _("La première date qui la suit est le %(day)s.") % {
                "day": french_date(starts[0].date(), "l j F Y")
            }
        self.add_error("start_date", message)


class AtelierAdminForm(ScheduleForm, WagtailAdminModelForm):
    """The atelier form of the admin: the structure among those the user manages, plus the recurrence editor.

    Ateliers kept up to date by a feed or another instance are read-only here, except the fields Maillage
    adds on top of the source (themes, publics, level, visibility): a local edit would be overwritten.
    """

    structure = forms.ModelChoiceField(
        label=gettext_lazy("Structure"), queryset=StructurePage.objects.none(), empty_label=None
    )

    check_times = False  # the model's clean() reports it on end_time

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Model verbose names are lower case; some custom fields (`ChoiceListField`) keep them so.
            field.label = capfirst(field.label) if field.label else field.label
        structures = manageable_structures(self.for_user).order_by("title") if self.for_user else None
        self.fields["structure"].queryset = (
            structures if structures is not None else StructurePage.objects.none()
        )
        if not self.instance.pk and structures is not None and len(structures) == 1:
            self.initial.setdefault("structure", structures[0].pk)
        if self.instance.pk:
            for name, value in initial_schedule(self.instance).items():
                self.initial.setdefault(name, value)
        self.raw_rule_kept = bool(self.instance.pk and self.instance.rrule and self.instance.rule is None)
        if self.raw_rule_kept:
            for name in RECURRENCE_FIELDS:
                self.fields[name].disabled = True
        if self.is_read_only:
            for name, field in self.fields.items():
                if name not in IMPORTED_EDITABLE_FIELDS:
                    field.disabled = True

    @property
    def is_read_only(self) -> bool:
        return bool(self.instance.pk) and self.instance.source != enums.Source.LOCAL

    def kept_rrule(self):
        return self.instance.rrule if self.raw_rule_kept or self.is_read_only else None

    def kept_exdates(self):
        return [datetime.fromisoformat(value) for value in self.instance.exdates]

    def raw_rule_error(self, raw: str) -> str | None:
        """The atelier's own stored rule (imported, or written by a programme) is kept as it is."""
        return None if raw == self.instance.rrule else rule_error(raw)

    def clean(self):
        cleaned = super().clean()
        if "rrule" in cleaned and not self.is_read_only:
            self.instance.rrule = cleaned["rrule"]
            self.instance.exdates = cleaned["exdates"]
        return cleaned


class SessionForm(forms.Form):
    """Change one session: full, another time or place, places booked, its own title, a note."""

    original_start = forms.DateTimeField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=gettext_lazy("Statut de la séance"),
        choices=[
            (enums.Status.SCHEDULED, enums.Status.SCHEDULED.label),
            (enums.Status.FULL, enums.Status.FULL.label),
        ],
    )
    new_date = forms.DateField(label=gettext_lazy("Nouvelle date"), required=False, widget=date_input())
    new_start_time = forms.TimeField(
        label=gettext_lazy("Nouvelle heure de début"), required=False, widget=time_input()
    )
    new_end_time = forms.TimeField(
        label=gettext_lazy("Nouvelle heure de fin"), required=False, widget=time_input()
    )
    place_name = forms.CharField(label=gettext_lazy("Autre lieu"), max_length=200, required=False)
    address = forms.CharField(label=gettext_lazy("Adresse"), max_length=255, required=False)
    commune = forms.CharField(label=gettext_lazy("Commune"), max_length=120, required=False)
    seats_taken = forms.IntegerField(label=gettext_lazy("Places réservées"), min_value=0, initial=0)
    note = forms.CharField(label=gettext_lazy("Message pour le public"), max_length=255, required=False)
    title = forms.CharField(
        label=gettext_lazy("Titre de cette séance (vide : celui de l'atelier)"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, atelier: Atelier, **kwargs):
        self.atelier = atelier
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, occurrence) -> dict:
        """Values of the form for a materialised session, its current changes included."""
        local_start, local_end = to_local_naive(occurrence.start), to_local_naive(occurrence.end)
        return {
            "original_start": to_local_naive(occurrence.recurrence_id),
            "status": enums.Status.FULL if occurrence.is_full else enums.Status.SCHEDULED,
            "new_date": local_start.date() if occurrence.is_moved else None,
            "new_start_time": local_start.time() if occurrence.is_moved else None,
            "new_end_time": local_end.time() if occurrence.is_moved else None,
            "place_name": occurrence.place_name
            if occurrence.place_name != occurrence.atelier.place_label()
            else "",
            "seats_taken": occurrence.seats_taken,
            "note": occurrence.note,
            "title": occurrence.title,
        }

    def clean(self):
        cleaned = super().clean()
        original = cleaned.get("original_start")
        if original is None:
            return cleaned
        original = localize(to_local_naive(original))
        cleaned["original_start"] = original
        local = to_local_naive(original)
        new_date, new_start, new_end = (
            cleaned.get("new_date"),
            cleaned.get("new_start_time"),
            cleaned.get("new_end_time"),
        )
        cleaned["new_start"] = cleaned["new_end"] = None
        if new_date or new_start or new_end:
            start = datetime.combine(new_date or local.date(), new_start or local.time())
            end = datetime.combine(start.date(), new_end) if new_end else start + self.atelier.duration
            if end <= start:
                self.add_error("new_end_time", _("L'heure de fin doit être après l'heure de début."))
                return cleaned
            if start != local or end != local + self.atelier.duration:
                cleaned["new_start"], cleaned["new_end"] = localize(start), localize(end)
        return cleaned

    def changes(self) -> dict:
        fields = (
            *("status", "new_start", "new_end", "place_name", "address", "commune", "seats_taken"),
            *("note", "title"),
        )
        return {name: self.cleaned_data[name] for name in fields}
