"""« Mon compte »: the person's own page, their data download and the deletion of their account."""

import json

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .domain import delete_account, is_last_superuser
from .export import build_export
from .forms import DeleteAccountForm, NameForm
from .mfa import has_totp, mfa_required

EXPORT_FILENAME = "maillage-mes-donnees.json"


def account_sections() -> list[str]:
    """The templates of MAILLAGE_ACCOUNT_SECTIONS that exist: an app adds its block by shipping the file."""
    sections = []
    for name in settings.MAILLAGE_ACCOUNT_SECTIONS:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        sections.append(name)
    return sections


@login_required
@require_http_methods(["GET", "POST"])
def account_view(request):
    """The person's name (editable here), then links to everything else about their account."""
    user = request.user
    if request.method == "POST":
        name_form = NameForm(request.POST, instance=user)
        if name_form.is_valid():
            name_form.save()
            messages.success(request, _("Votre nom est enregistré."))
            return redirect("accounts:account")
    else:
        name_form = NameForm(instance=user)
    context = {
        "name_form": name_form,
        "email_addresses": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
        "has_password": user.has_usable_password(),
        "totp_active": has_totp(user),
        "mfa_required": mfa_required(user),
        "account_sections": account_sections(),
    }
    return render(request, "accounts/account.html", context)


@never_cache
@login_required
@require_GET
def export_view(request):
    """Everything Maillage keeps about the person, as a JSON file to download."""
    content = json.dumps(build_export(request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_view(request):
    """Explain what goes, ask for the password (or the address), delete, log out, go home.

    Wrong passwords count against allauth's "reauthenticate" rate limit, like its own password prompts.
    """
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST":
        if not ratelimit.consume(request, action="reauthenticate", user=user):
            form.add_error(None, _("Trop de tentatives. Réessayez dans quelques minutes."))
        elif form.is_valid():
            try:
                delete_account(user=user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                messages.success(request, _("Votre compte et vos données ont été supprimés. Au revoir !"))
                return redirect("/")
    context = {"form": form, "last_superuser": is_last_superuser(user)}
    return render(request, "accounts/delete.html", context)


@never_cache
@require_GET
def admin_access_view(request):
    """Where the Wagtail admin sends whoever it refuses (`WAGTAILADMIN_LOGIN_URL`).

    Why: the admin sends anyone without its access right to its login page, and the login page sends a
    signed-in person back to where they came from, so a member without admin rights went round in circles.
    Here, someone not signed in goes on to the login page (and comes back to the admin after); someone signed
    in but refused is told, in a page of its own (403), what the admin is for and where to go instead.
    """
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    admin_url = reverse("wagtailadmin_home")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url or admin_url, login_url=settings.LOGIN_URL)
    if request.user.has_perm("wagtailadmin.access_admin"):
        return redirect(next_url or admin_url)
    return render(request, "accounts/admin_access.html", status=403)
