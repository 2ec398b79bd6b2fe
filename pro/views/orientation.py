"""« Orienter une personne » (`/pro/orienter/`): the public search with every filter, and « envoyer à la
personne » (`/pro/orienter/envoi/`).

A mediator with someone in front of them (or on the phone) searches as the public does (`find_help`), with
the professionals-only ateliers too, ticks the places and ateliers that fit, and hands them over: by e-mail
(through the outbox, see `pro.referral`), by an `sms:` link their own phone opens, or on paper (the hand-over
page prints cleanly). Both pages are GET pages whose address carries the search and the choice, so that
« modifier » is the browser's back button; only the e-mail is a POST.
"""

import dataclasses
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orientation.enums import Constraint, Who
from orientation.models import Need
from orientation.search import HelpQuery, find_help
from outbox.links import absolute_url

from ..permissions import member_required
from ..referral import (
    MAX_PLACES,
    MAX_SESSIONS,
    TooManyEmails,
    chosen_places,
    chosen_sessions,
    is_token,
    new_token,
    send_by_email,
    sms_body,
)

PLACE_LIMIT = 15
SESSION_LIMIT = 15
# The keys of the search in an address (HelpQuery.from_params), carried from one page to the other.
SEARCH_KEYS = ("q", "besoin", "pres", "lat", "lon", "critere", "public")


class ReferralEmailForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Adresse e-mail de la personne"),
        max_length=254,
        help_text=gettext_lazy(
            "Elle ne sert qu'à cet envoi : elle n'est enregistrée nulle part ailleurs que dans ce courriel."
        ),
    )
    jeton = forms.CharField(widget=forms.HiddenInput, max_length=64)


def _search_params(params) -> list[tuple[str, str]]:
    return HelpQuery.from_params(params).to_params()


def _results_path(params) -> str:
    """The public results page of the same search: what the person opens on their own phone."""
    search = urlencode(_search_params(params))
    path = reverse("orientation:results")
    return f"{path}?{search}" if search else path


@member_required
def orientation(request):
    query = dataclasses.replace(HelpQuery.from_params(request.GET), include_pro=True)
    results = (
        find_help(query, place_limit=PLACE_LIMIT, session_limit=SESSION_LIMIT) if not query.is_blank else None
    )
    return render(
        request,
        "pro/orientation.html",
        {
            "query": query,
            "results": results,
            "needs": list(Need.objects.order_by("sort_order", "label")),
            "constraints": Constraint.choices,
            "publics": Who.choices,
            "search_params": _search_params(request.GET),
            "max_places": MAX_PLACES,
            "max_sessions": MAX_SESSIONS,
        },
    )


@member_required
def referral(request):
    """GET: the chosen places and ateliers, ready to hand over; POST: send them by e-mail, then back here."""
    params = request.POST if request.method == "POST" else request.GET
    places = chosen_places(params.getlist("lieu"))
    sessions = chosen_sessions(params.getlist("seance"))
    results_path = _results_path(params)
    here = QueryDict(mutable=True)
    here.setlist("lieu", [str(place.pk) for place in places])
    here.setlist("seance", [str(session.pk) for session in sessions])
    for key, value in _search_params(params):
        here.appendlist(key, value)
    here_url = f"{request.path}?{here.urlencode()}"

    form = ReferralEmailForm(request.POST or None, initial={"jeton": new_token()})
    if request.method == "POST":
        if not (places or sessions):
            messages.error(request, _("Choisissez au moins un lieu ou un atelier à envoyer."))
            return redirect(here_url)
        if form.is_valid():
            if not is_token(form.cleaned_data["jeton"]):
                messages.error(
                    request, _("Le formulaire n'est plus valable : saisissez l'adresse à nouveau.")
                )
                return redirect(here_url)
            _send(request, form.cleaned_data, places=places, sessions=sessions, results_path=results_path)
            return redirect(here_url)
    sms_text = sms_body(places=places, sessions=sessions, search_url=results_path)
    return render(
        request,
        "pro/referral.html",
        {
            "places": places,
            "sessions": sessions,
            "form": form,
            "sms_href": "sms:?&body=" + quote(sms_text, safe=""),
            "sms_text": sms_text,
            "results_url": absolute_url(results_path),
            "search_url": f"{reverse('pro:orientation')}?{urlencode(_search_params(params))}",
            "here_url": here_url,
            "search_params": _search_params(params),
        },
    )


def _send(request, data, *, places, sessions, results_path) -> None:
    """Queue the e-mail and say what happened (never the address: it stays out of pages and logs)."""
    try:
        sent = send_by_email(
            sender=request.user,
            to=data["email"],
            token=data["jeton"],
            places=places,
            sessions=sessions,
            search_url=results_path,
        )
    except TooManyEmails:
        messages.error(
            request,
            _("Vous avez envoyé beaucoup de courriels en une heure : réessayez plus tard, ou imprimez."),
        )
        return
    if sent is None:
        messages.info(request, _("Ce courriel est déjà parti : il n'est pas envoyé une deuxième fois."))
    else:
        messages.success(request, _("Le courriel part dans un instant : la personne le recevra bientôt."))
