"""`proconnect/login/` and `proconnect/login/callback/` (the redirect URI to declare to ProConnect).

allauth imports this module for every registered provider and mounts it under its own prefix (comptes/).
The URLs always resolve; the views answer 404 while ProConnect is not configured.
"""

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from .provider import ProConnectProvider

urlpatterns = default_urlpatterns(ProConnectProvider)
