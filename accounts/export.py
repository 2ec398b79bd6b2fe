"""The personal data download of « Mon compte »: the account, then what each app keeps about the person.

Each app contributes a function `user_data(user) -> dict`, listed by dotted path in the setting
MAILLAGE_ACCOUNT_EXPORTERS; its result goes under the app's label. An app that does not ship its `export`
module yet is skipped, so that the download never breaks while the apps are being written. Secrets (password
hash, TOTP secret, recovery codes, tokens) are never exported.
"""

import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

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
        "social_accounts": [],
    }
    if apps.is_installed("allauth.socialaccount"):
        from allauth.socialaccount.models import SocialAccount

        data["social_accounts"] = [
            {"provider": account.provider, "uid": account.uid}
            for account in SocialAccount.objects.filter(user=user).order_by("provider", "uid")
        ]
    return data


def load_exporters() -> list[tuple[str, object]]:
    """(app label, function) for this app and for every exporter of the setting whose module exists.

    Only a missing module is skipped; an exporter module that fails to import, or that lacks the function,
    is a bug and raises.
    """
    exporters = []
    for path in [OWN_EXPORTER, *settings.MAILLAGE_ACCOUNT_EXPORTERS]:
        module_path = path.rpartition(".")[0]
        try:
            function = import_string(path)
        except ModuleNotFoundError as error:
            if error.name and (module_path == error.name or module_path.startswith(f"{error.name}.")):
                logger.debug("Personal data exporter %s skipped: no module %s", path, error.name)
                continue
            raise
        app_config = apps.get_containing_app_config(module_path)
        exporters.append((app_config.label if app_config else module_path, function))
    return exporters


def build_export(user) -> dict:
    """Everything Maillage keeps about `user`, ready for JSON (dates as ISO 8601 strings)."""
    export = {"format": FORMAT, "generated_at": _local(timezone.now())}
    for label, function in load_exporters():
        export[label] = function(user)
    return export
