from django.urls import path

from . import views

app_name = "opendata"

urlpatterns = [
    path("donnees/", views.donnees, name="donnees"),
    path("donnees/lieux.<str:fmt>", views.lieux_export, name="lieux"),
    path("donnees/bassins/<slug:slug>/lieux.<str:fmt>", views.lieux_export, name="bassin_lieux"),
    path("donnees/<str:dataset>.<str:fmt>", views.ateliers_export, name="ateliers"),
    path(
        "donnees/bassins/<slug:slug>/<str:dataset>.<str:fmt>", views.ateliers_export, name="bassin_ateliers"
    ),
]
