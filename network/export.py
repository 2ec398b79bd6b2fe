"""What the network knows about one person, for their data download (« Mon compte », accounts app).

Plain, JSON-ready data (strings, booleans, ISO dates in Paris time, lists, dicts), keyed in English like the
rest of the download; labels (roles, statuses) are the French words the person saw. It holds what they
entered or what was decided about them; never secrets (invitation tokens, the private agenda address) and
never other people's profiles. Invitations they sent show the invited address: that is their own act.
"""

from django.utils import timezone

from .models import Coordination, Invitation, MemberProfile, Membership, MembershipRequest


def _date(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _structure(structure) -> dict:
    return {"name": structure.title, "slug": structure.slug}


def user_data(user) -> dict:
    profile = MemberProfile.objects.filter(user=user).first()
    memberships = Membership.objects.filter(user=user).select_related("structure").order_by("created_at")
    coordinations = Coordination.objects.filter(user=user).select_related("bassin").order_by("created_at")
    requests = MembershipRequest.objects.filter(user=user).select_related("structure").order_by("created_at")
    sent = Invitation.objects.filter(invited_by=user).select_related("structure").order_by("created_at")
    accepted = Invitation.objects.filter(accepted_by=user).select_related("structure").order_by("created_at")
    return {
        "profile": None
        if profile is None
        else {
            "display_name": profile.display_name,
            "job_title": profile.job_title,
            "topics": profile.topics,
            "languages": profile.languages,
            "can_help_with": profile.can_help_with,
            "phone": profile.phone,
            "visibility": str(profile.get_visibility_display()),
            "created_at": _date(profile.created_at),
            "updated_at": _date(profile.updated_at),
        },
        "memberships": [
            {
                "structure": _structure(membership.structure),
                "role": str(membership.get_role_display()),
                "since": _date(membership.created_at),
            }
            for membership in memberships
        ],
        "coordinations": [
            {"bassin": coordination.bassin.title, "since": _date(coordination.created_at)}
            for coordination in coordinations
        ],
        "membership_requests": [
            {
                "structure": _structure(item.structure),
                "role": str(item.get_role_display()),
                "message": item.message,
                "status": str(item.get_status_display()),
                "created_at": _date(item.created_at),
                "decided_at": _date(item.decided_at),
                "reason": item.reason,
            }
            for item in requests
        ],
        "invitations_sent": [
            {
                "email": invitation.email,
                "structure": _structure(invitation.structure),
                "role": str(invitation.get_role_display()),
                "created_at": _date(invitation.created_at),
                "accepted_at": _date(invitation.accepted_at),
                "revoked_at": _date(invitation.revoked_at),
            }
            for invitation in sent
        ],
        "invitations_accepted": [
            {
                "email": invitation.email,
                "structure": _structure(invitation.structure),
                "role": str(invitation.get_role_display()),
                "accepted_at": _date(invitation.accepted_at),
            }
            for invitation in accepted
        ],
    }
