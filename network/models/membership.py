"""Who belongs where: structure members, bassin coordinators and pending invitations.

Group membership (what Wagtail checks) is derived from these rows by `network.permissions`; these rows are the
truth, groups are the consequence.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..enums import EDITING_ROLES, MemberRole


class MembershipQuerySet(models.QuerySet):
    def in_structures(self, structures):
        return self.filter(structure__in=structures)

    def editing(self):
        """Memberships that carry the right to edit the structure's page (and to decide who joins it)."""
        return self.filter(role__in=EDITING_ROLES)


class Membership(models.Model):
    """A person's role in a structure. Editing roles put the person in the structure's editors group.

    Every role opens the professional area (`/pro/`); only `EDITING_ROLES` give rights in the admin.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("personne"),
    )
    structure = models.ForeignKey(
        "network.StructurePage",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("structure"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=MemberRole.choices, default=MemberRole.EDITOR)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre d'une structure")
        verbose_name_plural = _("membres des structures")
        constraints = [models.UniqueConstraint(fields=["user", "structure"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} — {self.structure} ({self.get_role_display()})"

    @property
    def can_edit(self) -> bool:
        return self.role in EDITING_ROLES


class MembershipRequestStatus(models.TextChoices):
    PENDING = "attente", _("En attente")
    ACCEPTED = "acceptee", _("Acceptée")
    REFUSED = "refusee", _("Refusée")
    WITHDRAWN = "retiree", _("Retirée")


class MembershipRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=MembershipRequestStatus.PENDING)

    def for_listing(self):
        return self.select_related("user", "user__member_profile", "structure").order_by("created_at", "pk")


class MembershipRequest(models.Model):
    """A signed-in person asks to join a structure; its editors or the bassin's coordinators decide.

    At most one pending request per person and structure; accepting one creates the `Membership` (through
    `network.domain.accept_request`). Decided and withdrawn requests are kept: they are the person's history,
    part of their data download, and say who let whom in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("personne"),
    )
    structure = models.ForeignKey(
        "network.StructurePage",
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("structure"),
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEDIATEUR
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=MembershipRequestStatus.choices,
        default=MembershipRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    reason = models.TextField(
        _("motif du refus"), blank=True, help_text=_("Envoyé à la personne avec la réponse.")
    )

    objects = MembershipRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure"],
                condition=models.Q(status="attente"),
                name="one_pending_request_per_structure",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.structure} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == MembershipRequestStatus.PENDING

    @property
    def grants_editing(self) -> bool:
        return self.role in EDITING_ROLES


class Coordination(models.Model):
    """A person who coordinates a bassin: edits all its structures and invites their editors."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinations",
        verbose_name=_("personne"),
    )
    bassin = models.ForeignKey(
        "network.BassinPage", on_delete=models.CASCADE, related_name="coordinations", verbose_name=_("bassin")
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("coordination de bassin")
        verbose_name_plural = _("coordinations de bassin")
        constraints = [models.UniqueConstraint(fields=["user", "bassin"], name="unique_coordination")]

    def __str__(self):
        return f"{self.user} — {self.bassin}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry():
    return timezone.now() + timedelta(days=settings.MAILLAGE_INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An e-mailed link that makes whoever opens it (once signed in with that address) a member.

    The token is random and single-use; the link expires after MAILLAGE_INVITATION_DAYS days.
    """

    email = models.EmailField(_("adresse e-mail"))
    structure = models.ForeignKey(
        "network.StructurePage",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("structure"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=MemberRole.choices, default=MemberRole.EDITOR)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"), default=_default_expiry)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.structure}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def grants_editing(self) -> bool:
        return self.role in EDITING_ROLES
