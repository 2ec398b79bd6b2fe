"""URLs of reviewing a cycle and of its coverage dashboard (views/review.py, views/coverage.py)."""

urlpatterns = []
