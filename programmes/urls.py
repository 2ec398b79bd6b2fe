"""The professional side of cycles, under /pro/programmes/: contributions and their review.

The public programme is the cycle's own Wagtail page (`CyclePage`), served by Wagtail.
"""

from django.urls import include, path

app_name = "programmes"

urlpatterns = [
    path("", include("programmes.urls_contributions")),
    path("", include("programmes.urls_review")),
]
