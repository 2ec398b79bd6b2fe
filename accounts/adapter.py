"""django-allauth adapter: where people land after logging in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from .proconnect.logout import end_session_url


class AccountAdapter(DefaultAccountAdapter):
    """Send people who edit a structure or a bassin to the Wagtail admin, everyone else to the site.

    An explicit `?next=` (an invitation page, an admin URL) still wins: allauth only asks the adapter when
    there is none.
    """

    def get_logout_redirect_url(self, request):
        """Agents who came through ProConnect leave it too (accounts/proconnect/logout.py)."""
        return end_session_url(request) or super().get_logout_redirect_url(request)

    def get_login_redirect_url(self, request):
        if request.user.has_perm("wagtailadmin.access_admin"):
            return reverse("wagtailadmin_home")
        return super().get_login_redirect_url(request)
