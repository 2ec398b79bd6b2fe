"""« Mon compte », mounted at comptes/ before allauth's own pages (which share the prefix)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("mon-compte/", views.account_view, name="account"),
    path("mon-compte/donnees.json", views.export_view, name="export"),
    path("mon-compte/supprimer/", views.delete_view, name="delete"),
    path("acces-reserve/", views.admin_access_view, name="admin_access"),
]
