from django.urls import path

from . import views

app_name = "pro"

urlpatterns = [
    path("", views.home, name="home"),
    path("annuaire/", views.directory, name="directory"),
    path("structures/", views.structures, name="structures"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/nouvelle-adresse/", views.renew_feed_address, name="renew_feed_address"),
    path("agenda/<str:token>.ics", views.agenda_feed, name="agenda_feed"),
    path("demandes/", views.requests, name="requests"),
    path("demandes/<int:pk>/accepter/", views.accept, name="accept_request"),
    path("demandes/<int:pk>/refuser/", views.refuse, name="refuse_request"),
    path("profil/", views.profile, name="profile"),
    path("orienter/", views.orientation, name="orientation"),
    path("orienter/envoi/", views.referral, name="referral"),
]
