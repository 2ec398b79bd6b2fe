"""URLs of proposing and following contributions (views/contributions.py)."""

from django.urls import path

from .views import contributions

urlpatterns = [
    path("", contributions.cycles, name="cycles"),
    path("contributions/<int:pk>/", contributions.contribution_detail, name="contribution"),
    path("contributions/<int:pk>/modifier/", contributions.edit, name="edit"),
    path("contributions/<int:pk>/etape/<str:step>/", contributions.step, name="step"),
    path("contributions/<int:pk>/commentaire/", contributions.comment, name="comment"),
    path("<slug:slug>/", contributions.cycle, name="cycle"),
    path("<slug:slug>/proposer/", contributions.propose, name="propose"),
]
