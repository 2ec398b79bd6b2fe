from django.urls import path  # noqa: F401 - filled in as the views arrive

app_name = "digest"

urlpatterns = []
