from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views
from .throttling import ApiAnonThrottle

app_name = "api"

# The schema and its documentation page are public like the lists, and throttled like them.
PUBLIC = {"authentication_classes": [], "throttle_classes": [ApiAnonThrottle]}

urlpatterns = [
    path("bassins/", views.BassinList.as_view(), name="bassins"),
    path("structures/", views.StructureList.as_view(), name="structures"),
    path("ateliers/", views.AtelierList.as_view(), name="ateliers"),
    path("sessions/", views.SessionList.as_view(), name="sessions"),
    path("schema/", SpectacularAPIView.as_view(**PUBLIC), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema", **PUBLIC), name="docs"),
]
