"""Development only: the site's own « Page introuvable » instead of Django's technical 404.

With DEBUG on, Django answers a `Http404` with its technical page (the URL patterns tried), which is not what
a person trying the site should see, nor what axe or a French check should read. This middleware (listed by
`config/settings/dev.py` only) answers it with `templates/404.html`, as production does; pages that render
their own 404 are left alone. `MAILLAGE_TECHNICAL_404=1` in the environment brings Django's page back, to
debug routes.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render


class FriendlyNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        technical = getattr(settings, "MAILLAGE_TECHNICAL_404", False)
        if isinstance(exception, Http404) and settings.DEBUG and not technical:
            return render(request, "404.html", status=404)
        return None
