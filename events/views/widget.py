"""The agenda embedded in other sites (an iframe), and the page that explains how to embed it.

The widget is a page of its own, small and without the site's header and footer, so that a town hall or a
library can show its next workshops in a sidebar 300 px wide. It is exempt from X-Frame-Options (and sets no
frame-ancestors) because being framed by any site is its purpose; it shows public sessions only and has no
form, so framing it exposes nothing.

The help page builds the `<iframe>` snippet on the server from a GET form: it works without JavaScript, and
`static/js/widget-builder.js` only refreshes the snippet and the preview as choices change.
"""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from wagtail.models import Page

from network.models import BassinPage, StructurePage
from outbox.links import absolute_url

from .. import enums
from ..models import Occurrence
from ..recurrence import PARIS
from .exports import MAX_AGE, agenda_form

DEFAULT_LIMIT = 5
MAX_LIMIT = 20
IFRAME_TITLE = "Agenda des ateliers – Maillage"


def widget_limit(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return DEFAULT_LIMIT
    return min(max(number, 1), MAX_LIMIT)


def live_cycles():
    """Live, public event cycles (the `programmes` app's `CyclePage`), as plain pages.

    A cycle publishes its accepted contributions as ateliers, so a widget may show one. The cycle is found
    through the page tree by its model's name, as `subpage_types` names it: events sit below programmes and
    never import it.
    """
    return Page.objects.live().public().filter(cyclepage__isnull=False)


def full_agenda_url(request) -> str:
    """Where "Voir tout l'agenda" leads: the agenda page with the same filters, or, for a cycle's widget,
    the cycle's programme (which is that agenda, with the cycle's own presentation)."""
    query = request.GET.copy()
    query.pop("limite", None)
    path = reverse("events:agenda")
    if query.get("cycle"):
        cycle = live_cycles().filter(slug=query.pop("cycle")[-1]).first()
        if cycle is not None:
            path = cycle.url
    return f"{path}?{query.urlencode()}" if query else path


def session_row(occurrence) -> dict:
    """What one line of the widget says, with hours written the French way (« 14 h – 16 h 30 »)."""
    return {
        "occurrence": occurrence,
        "start": timezone.localtime(occurrence.start, PARIS),
        "hours": occurrence.hours_label,
        "place": ", ".join(part for part in (occurrence.place_name, occurrence.commune) if part),
    }


@xframe_options_exempt
def widget(request):
    """The next public sessions matching the query string's filters (bassin, structure, theme…)."""
    limit = widget_limit(request.GET.get("limite"))
    occurrences = (
        agenda_form(request)
        .filter_occurrences(Occurrence.objects.public())
        .upcoming(timezone.now())
        .for_listing()[:limit]
    )
    response = render(
        request,
        "events/widget.html",
        {"sessions": [session_row(row) for row in occurrences], "agenda_url": full_agenda_url(request)},
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


class WidgetBuilderForm(forms.Form):
    """The choices of the help page; only valid values reach the snippet, which is escaped anyway."""

    bassin = forms.ChoiceField(label=_("Bassin de vie"), required=False)
    structure = forms.ChoiceField(label=_("Structure"), required=False)
    theme = forms.ChoiceField(
        label=_("Thème"), required=False, choices=[("", _("Tous les thèmes")), *enums.Theme.choices]
    )
    cycle = forms.ChoiceField(label=_("Programme d'un cycle d'événements"), required=False)
    limite = forms.TypedChoiceField(
        label=_("Nombre d'ateliers affichés"),
        required=False,
        coerce=int,
        empty_value=DEFAULT_LIMIT,
        initial=DEFAULT_LIMIT,
        choices=[(number, str(number)) for number in (3, 5, 10, 15, 20)],
    )

    def __init__(self, data=None, *, bassins=(), structures=(), cycles=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["cycle"].choices = [
            ("", _("Aucun : tous les ateliers")),
            *((c.slug, c.title) for c in cycles),
        ]
        self.fields["bassin"].choices = [("", _("Tous les bassins")), *((b.slug, b.title) for b in bassins)]
        self.fields["structure"].choices = [
            ("", _("Toutes les structures")),
            *((s.slug, f"{s.title} ({s.commune})") for s in structures),
        ]

    def widget_query(self) -> dict:
        self.is_valid()  # An invalid choice is left out of `cleaned_data`; the valid ones are kept.
        cleaned = self.cleaned_data
        query = {name: cleaned.get(name) for name in ("bassin", "structure", "theme", "cycle")}
        query["limite"] = cleaned.get("limite") or DEFAULT_LIMIT
        return {name: value for name, value in query.items() if value}


def widget_help(request):
    """« Intégrer l'agenda sur votre site »: choose, copy the snippet, see the preview."""
    bassins = BassinPage.objects.live().public().order_by("title").only("title", "slug")
    structures = StructurePage.objects.live().public().order_by("title").only("title", "slug", "commune")
    cycles = live_cycles().order_by("-cyclepage__start_date").only("title", "slug")
    form = WidgetBuilderForm(request.GET or None, bassins=bassins, structures=structures, cycles=cycles)
    widget_path = reverse("events:widget")
    query = urlencode(form.widget_query() if form.is_bound else {"limite": DEFAULT_LIMIT})
    widget_url = f"{absolute_url()}{widget_path}?{query}"
    snippet = (
        f'<iframe src="{escape(widget_url)}" title="{IFRAME_TITLE}" width="100%" height="520" '
        'style="border: 1px solid #ccc; max-width: 100%;" loading="lazy"></iframe>'
    )
    return render(
        request,
        "events/widget_help.html",
        {
            "form": form,
            "snippet": snippet,
            "preview_url": f"{widget_path}?{query}",
            "widget_base": f"{absolute_url()}{widget_path}",
            "iframe_title": IFRAME_TITLE,
        },
    )
