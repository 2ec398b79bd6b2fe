"""URLs of the guided path and the kiosk (folded into `orientation/urls.py` once the app has one)."""

from django.urls import path

from . import guide_views as guide
from . import kiosk_views as kiosk

app_name = "orientation"

urlpatterns = [
    path("aide/", guide.guide, name="guide"),
    path("aide/lieu/", guide.guide_where, name="guide_where"),
    path("aide/criteres/", guide.guide_matters, name="guide_matters"),
    path("aide/resultat/", guide.guide_result, name="guide_result"),
    path("borne/<slug:bassin>/", kiosk.kiosk, name="kiosk"),
    path("borne/<slug:bassin>/lieu/", kiosk.kiosk_where, name="kiosk_where"),
    path("borne/<slug:bassin>/criteres/", kiosk.kiosk_matters, name="kiosk_matters"),
    path("borne/<slug:bassin>/resultat/", kiosk.kiosk_result, name="kiosk_result"),
]
