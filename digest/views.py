"""Pages of the weekly letter: preferences, previews, one-click unsubscribe, reactivation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .content import build_digests
from .delivery import ensure_subscription, is_member
from .forms import PreferencesForm
from .models import Subscription
from .render import read_preview_token, read_unsubscribe_token, render_parts
from .weeks import next_sending, week_of

# Token pages are reached from a letter: keep the token out of other sites' logs, and out of search engines.
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}


def _private(response):
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value
    return response


@login_required
def preferences(request):
    subscription = ensure_subscription(user=request.user)
    member = is_member(request.user)
    form = PreferencesForm(request.POST or None, instance=subscription, member=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos préférences sont enregistrées."))
        return redirect("digest:preferences")
    context = {
        "form": form,
        "subscription": subscription,
        "member": member,
        "next_sending": next_sending() if subscription.is_receiving else None,
    }
    return render(request, "digest/preferences.html", context)


@login_required
@require_POST
def reactivate(request):
    """« Réactiver »: the person says their address works again."""
    subscription = ensure_subscription(user=request.user)
    subscription.reactivate()
    messages.success(request, _("Vos envois reprennent : la prochaine lettre partira lundi matin."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("digest:preferences")
    return redirect(target)


@csrf_exempt  # RFC 8058: the one-click POST comes from the mail provider, which has no CSRF token.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks for confirmation (link scanners follow GETs); POST unsubscribes at once, no login needed."""
    try:
        subscription = Subscription.objects.select_related("user").get(pk=read_unsubscribe_token(token))
    except (signing.BadSignature, ValueError, TypeError, Subscription.DoesNotExist) as error:
        raise Http404(_("Ce lien de désabonnement n'est pas valide.")) from error
    if request.method == "POST":
        subscription.unsubscribe()
        return _private(render(request, "digest/unsubscribed.html", {"subscription": subscription}))
    return _private(render(request, "digest/unsubscribe.html", {"subscription": subscription}))


def _letter_response(subscription, week, *, preview: bool):
    [(_subscription, digest)] = build_digests(subscriptions=[subscription], week=week)
    _text, html = render_parts(digest, preview=preview, receiving=subscription.is_receiving)
    return _private(HttpResponse(html))


def preview_week(request, token):
    """« Voir dans le navigateur »: the letter of the token's week, as the e-mail shows it."""
    try:
        subscription_id, week = read_preview_token(token)
        subscription = Subscription.objects.select_related("user").get(pk=subscription_id)
    except (signing.BadSignature, ValidationError, ValueError, TypeError, Subscription.DoesNotExist) as error:
        raise Http404(_("Ce lien vers la lettre n'est pas valide.")) from error
    return _letter_response(subscription, week, preview=False)


@login_required
def preview(request):
    """« Aperçu de ma prochaine lettre »: next Monday's letter as it would be built now."""
    subscription = ensure_subscription(user=request.user)
    week = week_of(next_sending().date())
    return _letter_response(subscription, week, preview=True)
