"""The personal data download of « Mon compte »: the account, then what each app keeps about the person.

Each app contributes a function `user_data(user) -> dict`, listed by dotted path in the setting
MAILLAGE_ACCOUNT_EXPORTERS; its result goes under the app's label. Accounts sit at the bottom of the layers:
the setting, not an import, lets the apps above add their part. Secrets (password hash, TOTP secret,
recovery codes, tokens) are never exported.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

OWN_EXPORTER = "accounts.export.user_data"
FORMAT = "maillage-mes-donnees/1"


def _local(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def user_data(user) -> dict:
    """The account: names, dates, addresses, roles, second factors (types only) and linked accounts."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": _local(user.date_joined),
        "last_login": _local(user.last_login),
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "mfa": [
            {
                "type": authenticator.type,
                "created_at": _local(authenticator.created_at),
                "last_used_at": _local(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("type")
        ],
        "social_accounts": [
            {"provider": account.provider, "uid": account.uid}
            for account in SocialAccount.objects.filter(user=user).order_by("provider", "uid")
        ],
    }
    return data


def load_exporters() -> list[tuple[str, object]]:
    """(app label, function) for this app and for every exporter of the setting.

    An exporter that cannot be imported is a configuration bug and raises: the download never leaves out a
    part silently.
    """
    exporters = []
    for path in [OWN_EXPORTER, *settings.MAILLAGE_ACCOUNT_EXPORTERS]:
        module_path = path.rpartition(".")[0]
        function = import_string(path)
        app_config = apps.get_containing_app_config(module_path)
        exporters.append((app_config.label if app_config else module_path, function))
    return exporters


def build_export(user) -> dict:
    """Everything Maillage keeps about `user`, ready for JSON (dates as ISO 8601 strings)."""
    export = {"format": FORMAT, "generated_at": _local(timezone.now())}
    for label, function in load_exporters():
        export[label] = function(user)
    return export
