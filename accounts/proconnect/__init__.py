"""ProConnect login for public agents, as a django-allauth provider (`proconnect`).

ProConnect (formerly AgentConnect) is the State's single sign-on for professionals. It speaks OpenID Connect,
but asks more than allauth's generic `openid_connect` provider does: a `nonce` checked in the ID token, a
`state` of at least 32 characters, a userinfo answer that is a signed JWT instead of JSON, and no parameter
outside its list on the authorize URL. This package subclasses the generic provider for those points only.

It is an app of its own (`accounts.proconnect` in INSTALLED_APPS) because allauth finds providers by
importing `<app>.provider` and `<app>.urls`. It stays off until settings give a client id, a secret and the
server URL (config/settings/base.py, `MAILLAGE_PROCONNECT_*`).
"""
