"""django-allauth adapter: where people land after logging in, and account e-mails through the outbox."""

import uuid
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils.crypto import get_random_string

from outbox.links import absolute_url
from outbox.queue import queue_email

from .proconnect.logout import end_session_url


class AccountAdapter(DefaultAccountAdapter):
    """Send people who edit a structure or a bassin to the Wagtail admin, everyone else to the site.

    An explicit `?next=` (an invitation page, an admin URL) still wins: allauth only asks the adapter when
    there is none.

    allauth's e-mails (address confirmation, password reset, « compte inconnu », « compte déjà existant »,
    security notices) are rendered by allauth and put in the outbox like every other e-mail: no SMTP inside
    the request, so a known and an unknown address do the same work (one row queued) and take the same
    time, and a relay that is down delays the e-mail instead of failing the page.
    """

    def get_logout_redirect_url(self, request):
        """Agents who came through ProConnect leave it too (accounts/proconnect/logout.py)."""
        return end_session_url(request) or super().get_logout_redirect_url(request)

    def get_login_redirect_url(self, request):
        if request.user.has_perm("wagtailadmin.access_admin"):
            return reverse("wagtailadmin_home")
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's context and templates (as its own `send_mail`), then one outbox row per send, under a
        key of its own each time: asking twice for a reset link sends two e-mails, as allauth would."""
        request = self.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                "public_url": absolute_url("/"),
                **context,
            },
        )
        html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
        user = context.get("user")
        name = template_prefix.rsplit("/", 1)[-1]
        queue_email(
            key=f"account:{name}:{uuid.uuid4().hex}",
            reason=f"account_{name}"[:40],
            to=email,
            user=user if getattr(user, "pk", None) and user.is_active else None,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            headers=dict(message.extra_headers),
        )

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return public_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return public_url(super().get_reset_password_from_key_url(key))

    def send_account_already_exists_mail(self, email: str) -> None:
        """A sign-up with a known address: besides the e-mail, hash a password as the new-account path does
        (`set_password`), so that both answers take the same time (Django's ModelBackend does the same
        for unknown usernames)."""
        make_password(get_random_string(20))
        super().send_account_already_exists_mail(email)


def public_url(url: str) -> str:
    """allauth builds its links from the host of the request that asked; an e-mail must carry the site's
    public address (`outbox.links.absolute_url`), whatever host the request came through."""
    parts = urlsplit(url)
    return absolute_url(parts.path + (f"?{parts.query}" if parts.query else ""))
