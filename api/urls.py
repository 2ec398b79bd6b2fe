from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

app_name = "api"

urlpatterns = [
    path("bassins/", views.BassinList.as_view(), name="bassins"),
    path("structures/", views.StructureList.as_view(), name="structures"),
    path("ateliers/", views.AtelierList.as_view(), name="ateliers"),
    path("sessions/", views.SessionList.as_view(), name="sessions"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
