from django.urls import path

from . import views

app_name = "orientation"

urlpatterns = [
    path("recherche/", views.results, name="results"),
]
