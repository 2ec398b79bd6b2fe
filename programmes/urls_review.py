"""URLs of reviewing a cycle and of its coverage dashboard (views/review.py, views/coverage.py)."""

from django.urls import path

from .views import coverage, review

urlpatterns = [
    path("<slug:slug>/examen/", review.review, name="review"),
    path("<slug:slug>/examen/accepter/", review.bulk_accept, name="bulk_accept"),
    path("<slug:slug>/examen/<int:pk>/note/", review.score, name="score"),
    path("<slug:slug>/couverture/", coverage.coverage, name="coverage"),
    path("<slug:slug>/couverture.csv", coverage.coverage_csv, name="coverage_csv"),
]
