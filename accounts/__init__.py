"""People's accounts: sign-up and login (django-allauth), MFA, ProConnect, « Mon compte », data export."""
