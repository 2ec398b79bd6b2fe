"""Commune suggestions for the « près de … » fields: a small public JSON list, cached by browsers."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ..communes import suggest_communes

MAX_QUERY_LENGTH = 60


@require_GET
@cache_control(public=True, max_age=86400)
def commune_suggestions(request):
    """`?q=chat` → `{"communes": ["Châteauroux", "Châteaudun", …]}`: names only, the field sends a name."""
    text = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    names = []
    for commune in suggest_communes(text):
        if commune.name not in names:
            names.append(commune.name)
    return JsonResponse({"communes": names})
