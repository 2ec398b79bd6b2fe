"""Workflows on a person's own account: deleting it."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def is_last_superuser(user) -> bool:
    """True when `user` is the only active administrator: without them, nobody could manage the site."""
    if not user.is_superuser:
        return False
    others = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
    return not others.exists()


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete the person and, by cascade, everything that is only theirs.

    E-mail addresses, authenticators, ProConnect links, memberships, coordinations, requests, profile and
    subscriptions go with the user row (their foreign keys cascade); pages and ateliers belong to structures
    and stay, their history losing the author's name. What must stay true: the last active administrator is
    never deleted, even when two of them delete their accounts at the same moment (the superusers' rows are
    locked while checking).
    """
    user_model = get_user_model()
    list(user_model.objects.select_for_update().filter(is_superuser=True, is_active=True).values_list("pk"))
    if is_last_superuser(user):
        raise ValidationError(
            _(
                "Vous êtes la seule personne qui administre Maillage : sans vous, plus personne ne pourrait "
                "gérer le site. Donnez d'abord le rôle d'administrateur à quelqu'un d'autre."
            ),
            code="last_superuser",
        )
    user.delete()
