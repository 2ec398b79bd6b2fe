"""URLs of proposing and following contributions (views/contributions.py)."""

urlpatterns = []
