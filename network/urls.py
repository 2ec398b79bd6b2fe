from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("structures/", views.directory, name="directory"),
    path("invitations/<str:token>/", views.accept_invitation_view, name="accept_invitation"),
]
