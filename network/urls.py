from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("structures/", views.directory, name="directory"),
    path("structures/carte.json", views.map_data, name="map_data"),
    path("communes/suggestions/", views.commune_suggestions, name="commune_suggestions"),
    path("structures/<slug:slug>/rejoindre/", views.join_structure, name="join_structure"),
    path(
        "structures/<slug:slug>/rejoindre/retirer/", views.withdraw_join_request, name="withdraw_join_request"
    ),
    path("invitations/<str:token>/", views.accept_invitation_view, name="accept_invitation"),
]
