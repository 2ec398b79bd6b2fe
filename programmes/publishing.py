"""An accepted contribution in the calendars: one atelier in the host's agenda, shown in co-organisers' too.

The atelier is written from the contribution every time it is accepted or changed while accepted, and deleted
when the contribution leaves the programme (declined, withdrawn, or sent back for changes is *not* a removal:
the published version stays until a decision). Everything goes through `events.domain.save_atelier`, which
sanitizes, raises the iCal SEQUENCE and rebuilds the sessions, so exports and agendas follow at once.
"""

from django.utils.html import escape, linebreaks

from events import enums as event_enums
from events.domain import save_atelier
from events.models import Atelier

from .models import Contribution


def atelier_values(contribution: Contribution) -> dict:
    starts = contribution.session_starts()
    return {
        "structure": contribution.structure,
        "title": contribution.title,
        "summary": contribution.summary[:280],
        "description": linebreaks(escape(contribution.description)) if contribution.description else "",
        "themes": list(contribution.themes),
        "publics": list(contribution.publics),
        "kind": event_enums.Kind.ATELIER,
        "visibility": event_enums.Visibility.PUBLIC,
        "status": event_enums.Status.SCHEDULED,
        "format": event_enums.Format.ON_SITE,
        "place_name": "" if contribution.at_host else contribution.place_name,
        "address": "" if contribution.at_host else contribution.address,
        "postal_code": "" if contribution.at_host else contribution.postal_code,
        "commune": "" if contribution.at_host else contribution.commune,
        "capacity": contribution.capacity,
        "registration": contribution.registration,
        "registration_details": contribution.registration_details,
        "start_date": starts[0].date(),
        "start_time": contribution.start_time,
        "end_time": contribution.end_time,
        "rrule": "",
        "rdates": [start.isoformat() for start in starts[1:]],
        "exdates": [],
        "is_demo": contribution.is_demo,
    }


def publish_contribution(contribution: Contribution) -> Atelier:
    """Create or update the contribution's atelier; returns it. Call inside the workflow's transaction."""
    values = atelier_values(contribution)
    atelier = contribution.atelier
    if atelier is None:
        atelier = Atelier(**values)
    else:
        changed = any(getattr(atelier, name) != value for name, value in values.items())
        if not changed and set(atelier.co_organisers.values_list("pk", flat=True)) == _co_organiser_ids(
            contribution
        ):
            return atelier
        for name, value in values.items():
            setattr(atelier, name, value)
    atelier.full_clean(exclude=["uid"])
    save_atelier(atelier=atelier)
    atelier.co_organisers.set(_co_organiser_ids(contribution))
    if contribution.atelier_id != atelier.pk:
        contribution.atelier = atelier
        Contribution.objects.filter(pk=contribution.pk).update(atelier=atelier)
    return atelier


def unpublish_contribution(contribution: Contribution) -> None:
    """Remove the atelier from every calendar (its sessions go with it)."""
    if contribution.atelier_id is None:
        return
    Atelier.objects.filter(pk=contribution.atelier_id).delete()
    contribution.atelier = None
    Contribution.objects.filter(pk=contribution.pk).update(atelier=None)


def _co_organiser_ids(contribution: Contribution) -> set[int]:
    return set(contribution.co_organisers.exclude(pk=contribution.structure_id).values_list("pk", flat=True))
