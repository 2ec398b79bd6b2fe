from django.urls import path

from . import views

app_name = "digest"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("reactiver/", views.reactivate, name="reactivate"),
    path("apercu/", views.preview, name="preview"),
    path("apercu/<str:token>/", views.preview_week, name="preview_week"),
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
