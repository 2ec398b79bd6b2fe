from django.urls import path

from .views import agenda, exports, subscribe, widget

app_name = "events"

urlpatterns = [
    # Public pages (events/views/agenda.py)
    path("agenda/", agenda.agenda, name="agenda"),
    path("bassins/<slug:slug>/agenda/", agenda.bassin_agenda, name="bassin_agenda"),
    path("structures/<slug:slug>/agenda/", agenda.structure_agenda, name="structure_agenda"),
    path("ateliers/<int:pk>/", agenda.atelier_detail, name="atelier"),
    # Exports (events/views/exports.py)
    path("agenda.ics", exports.agenda_ics, name="agenda_ics"),
    path("agenda.json", exports.agenda_json, name="agenda_json"),
    path("bassins/<slug:slug>/agenda.ics", exports.bassin_ics, name="bassin_ics"),
    path("structures/<slug:slug>/agenda.ics", exports.structure_ics, name="structure_ics"),
    path("ateliers/<int:pk>.ics", exports.atelier_ics, name="atelier_ics"),
    # « S'abonner » (events/views/subscribe.py)
    path("agenda/s-abonner/", subscribe.agenda_subscribe, name="agenda_subscribe"),
    path("bassins/<slug:slug>/agenda/s-abonner/", subscribe.bassin_subscribe, name="bassin_subscribe"),
    path(
        "structures/<slug:slug>/agenda/s-abonner/", subscribe.structure_subscribe, name="structure_subscribe"
    ),
    # Embedding (events/views/widget.py)
    path("widget/agenda/", widget.widget, name="widget"),
    path("integrer-l-agenda/", widget.widget_help, name="widget_help"),
]
