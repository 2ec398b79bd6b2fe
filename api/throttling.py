"""Anonymous use of the API is rate-limited per client address, so that one script cannot starve the site."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class ApiAnonThrottle(AnonRateThrottle):
    """DRF's anonymous throttle, its rate read from `MAILLAGE_API_THROTTLE_RATE` at each request.

    Why not DRF's `DEFAULT_THROTTLE_RATES`: DRF copies that setting into the class when it is imported, so
    an administrator's change (or a test's) would need a restart to count; reading our own setting does not.
    An empty rate turns the throttle off.
    """

    scope = "maillage_api"

    def get_rate(self):
        return settings.MAILLAGE_API_THROTTLE_RATE or None
