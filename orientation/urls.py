from django.urls import path

from . import guide_views, kiosk_views, views

app_name = "orientation"

urlpatterns = [
    path("recherche/", views.results, name="results"),
    # The guided path « Trouver de l'aide » (guide_views) and its kiosk for a town hall (kiosk_views).
    path("aide/", guide_views.guide, name="guide"),
    path("aide/lieu/", guide_views.guide_where, name="guide_where"),
    path("aide/criteres/", guide_views.guide_matters, name="guide_matters"),
    path("aide/resultat/", guide_views.guide_result, name="guide_result"),
    path("borne/<slug:bassin>/", kiosk_views.kiosk, name="kiosk"),
    path("borne/<slug:bassin>/lieu/", kiosk_views.kiosk_where, name="kiosk_where"),
    path("borne/<slug:bassin>/criteres/", kiosk_views.kiosk_matters, name="kiosk_matters"),
    path("borne/<slug:bassin>/resultat/", kiosk_views.kiosk_result, name="kiosk_result"),
]
