"""URLs of proposing and following contributions (views/contributions.py)."""

from django.urls import path

from .views import contributions

urlpatterns = [
    path("contributions/<int:pk>/", contributions.contribution_detail, name="contribution"),
]
