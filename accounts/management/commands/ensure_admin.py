"""`manage.py ensure_admin`: make sure the administrator account exists (idempotent, run by `make run`).

The address is `MAILLAGE_ADMIN_EMAIL` (default admin@maillage.localhost); the password is
`MAILLAGE_ADMIN_PASSWORD`, or else one generated at creation and printed that one time only.
"""

import os
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction

DEFAULT_ADMIN_EMAIL = "admin@maillage.localhost"


@dataclass
class AdminReport:
    email: str
    created: bool = False
    promoted: bool = False
    password_changed: bool = False
    generated_password: str | None = None


@transaction.atomic
def ensure_admin(*, email: str, password: str | None) -> AdminReport:
    """Create the superuser `email` if missing, with a verified primary allauth address.

    An existing account keeps its password unless `password` is given and differs; it is made superuser
    again if someone took the rights away. Never prints: the caller decides what to show.
    """
    email = email.strip().lower()
    report = AdminReport(email=email)
    user_model = get_user_model()
    user = (
        user_model.objects.filter(username=email).first()
        or user_model.objects.filter(email__iexact=email).order_by("pk").first()
    )
    if user is None:
        report.created = True
        if not password:
            password = report.generated_password = secrets.token_urlsafe(16)
        user = user_model.objects.create_superuser(username=email, email=email, password=password)
    else:
        if not (user.is_superuser and user.is_staff and user.is_active):
            user.is_superuser = user.is_staff = user.is_active = True
            user.save(update_fields=["is_superuser", "is_staff", "is_active"])
            report.promoted = True
        if password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            report.password_changed = True

    address, _created = EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    if not address.primary:
        address.set_as_primary()
    return report


class Command(BaseCommand):
    help = (
        "Crée le compte administrateur s'il manque (MAILLAGE_ADMIN_EMAIL, MAILLAGE_ADMIN_PASSWORD). "
        "Idempotent : un compte existant garde son mot de passe, sauf si MAILLAGE_ADMIN_PASSWORD change."
    )

    def handle(self, *args, **options):
        email = os.environ.get("MAILLAGE_ADMIN_EMAIL", "").strip() or DEFAULT_ADMIN_EMAIL
        password = os.environ.get("MAILLAGE_ADMIN_PASSWORD") or None
        if password:
            try:
                validate_password(password)
            except ValidationError as error:
                self.stderr.write(
                    self.style.WARNING("MAILLAGE_ADMIN_PASSWORD est faible : " + " ".join(error.messages))
                )
        report = ensure_admin(email=email, password=password)

        if report.created:
            shown = report.generated_password or "celui de MAILLAGE_ADMIN_PASSWORD"
            self.stdout.write(
                self.style.SUCCESS(f"Compte administrateur créé : {report.email} / mot de passe : {shown}")
            )
            if report.generated_password:
                self.stdout.write(
                    "Notez-le : il ne sera plus affiché (MAILLAGE_ADMIN_PASSWORD pour le choisir)."
                )
            return
        self.stdout.write(f"Compte administrateur déjà présent : {report.email}.")
        if report.promoted:
            self.stdout.write(self.style.WARNING("Il avait perdu ses droits d'administrateur : rétablis."))
        if report.password_changed:
            self.stdout.write(self.style.SUCCESS("Mot de passe mis à jour depuis MAILLAGE_ADMIN_PASSWORD."))
        else:
            self.stdout.write("Mot de passe inchangé.")
