from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("comptes/", include("accounts.urls")),
    path("comptes/", include("allauth.urls")),
    path("pro/programmes/", include("programmes.urls")),
    path("pro/", include("pro.urls")),
    path("lettre/", include("digest.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("home.urls")),
    path("", include("network.urls")),
    path("", include("events.urls")),
    path("", include("orientation.urls")),
    path("", include("opendata.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
