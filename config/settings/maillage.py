"""Maillage's own settings: the bounds that keep every page, export, fetch and import a bounded size, and
the switches of its features. Imported by `base`; a deployment overrides them through the environment
(the variables named below) or in its own settings module after `from .base import *`.
"""

import os

from .env import env_bool

# Map: tiles are the only external resource; Leaflet itself is served from our static files.
MAILLAGE_MAP_TILES_URL = os.environ.get(
    "MAILLAGE_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAILLAGE_MAP_ATTRIBUTION = os.environ.get("MAILLAGE_MAP_ATTRIBUTION", "© les contributeurs d'OpenStreetMap")
# Centre-Val de Loire: the map's view before any marker is known.
MAILLAGE_MAP_CENTER = (47.2, 1.7)
MAILLAGE_MAP_ZOOM = 7

# Address lookup in the structure form (network/address.py): the admin's proxy asks the Base Adresse
# Nationale, never the browser. The URL is fixed here, not given by users; off, editors type commune and
# coordinates.
MAILLAGE_ADDRESS_LOOKUP = env_bool("MAILLAGE_ADDRESS_LOOKUP", default=True)
MAILLAGE_ADDRESS_API_URL = os.environ.get(
    "MAILLAGE_ADDRESS_API_URL", "https://api-adresse.data.gouv.fr/search/"
)
MAILLAGE_ADDRESS_DEADLINE_SECONDS = float(os.environ.get("MAILLAGE_ADDRESS_DEADLINE_SECONDS", "5"))
MAILLAGE_ADDRESS_MAX_BYTES = 200_000  # five GeoJSON features weigh about 3 kB

MAILLAGE_INVITATION_DAYS = 14
# Months after which a structure's page neither published nor confirmed « Toujours à jour » is stale: its
# editors get one reminder, and the coordinators' list shows it (network/freshness.py).
MAILLAGE_FRESHNESS_MONTHS = int(os.environ.get("MAILLAGE_FRESHNESS_MONTHS", "6"))
# Communes offered for « près de … » and distances: GeoNames places of these regions (INSEE region codes,
# comma-separated; 24 = Centre-Val de Loire), loaded by a migration and by `manage.py load_communes`.
MAILLAGE_COMMUNES_REGIONS = [
    code.strip() for code in os.environ.get("MAILLAGE_COMMUNES_REGIONS", "24").split(",") if code.strip()
]
# The kiosk /borne/<bassin>/ goes back to its start after this many seconds without a touch (orientation/).
MAILLAGE_KIOSK_IDLE_SECONDS = int(os.environ.get("MAILLAGE_KIOSK_IDLE_SECONDS", "90"))
# Right-hand side of the UIDs of ateliers created here: stable, so calendar apps never see duplicates.
MAILLAGE_ICAL_DOMAIN = os.environ.get("MAILLAGE_ICAL_DOMAIN", "maillage.localhost")

# Public agenda bounds (events/views): whatever the data, a page or an export stays a bounded size.
# Sessions a day of the week view shows before « Voir les N autres séances » (the month view shows 3).
MAILLAGE_AGENDA_DAY_LIMIT = 8
# Communes offered by the agenda's « Commune » filter: those with the most structures, then ateliers.
MAILLAGE_AGENDA_MAX_COMMUNES = 400
# Above this many bassins (a national instance), the regional agenda offers only the communes of the chosen
# bassins (at most this many chosen), plus those asked for: see `events.views.agenda.offered_communes`.
MAILLAGE_AGENDA_COMMUNES_MAX_BASSINS = 30
# « Envoyer à la personne » (pro/referral.py): e-mails a member may send an hour from /pro/orienter/.
MAILLAGE_REFERRAL_EMAILS_PER_HOUR = int(os.environ.get("MAILLAGE_REFERRAL_EMAILS_PER_HOUR", "20"))
# .ics of the agenda, a bassin, a structure: series with a session from ICS_HISTORY_DAYS ago to
# ICS_HORIZON_MONTHS ahead, at most ICS_MAX_SERIES of them (each structure's soonest in turn).
MAILLAGE_ICS_HISTORY_DAYS = 30
MAILLAGE_ICS_HORIZON_MONTHS = 12
MAILLAGE_ICS_MAX_SERIES = 5000

# Weekly digest (digest/): planned by Celery beat on Mondays at SEND_AT (Europe/Paris), sent in chunks.
DIGEST = {
    "SEND_AT": (7, 30),  # hour, minute on Mondays, Paris time (the beat entry "send-weekly-digests")
    "DAYS": 14,  # sessions of the next two weeks
    "PRO_DAYS": 42,  # the network's own events are announced further ahead
    "SESSIONS_PER_BASSIN": 15,  # then « et N autres séances » with a link to the bassin's agenda
    "NEWS_LIMIT": 12,  # items per news list (new ateliers, changes, structures, members)
    "CHUNK_SIZE": 100,  # letters per Celery task
    "FIRST_LOOKBACK_DAYS": 7,  # "new since your last letter" for a first letter
    "MAX_LOOKBACK_DAYS": 28,  # …and never further back, even after a long pause
    "PAUSE_AFTER_FAILURES": 5,  # weeks in a row refused by the recipient's server
    "RETRY_BASE_SECONDS": 60,  # SMTP failures: 1, 2, 4… minutes, at most RETRY_MAX_SECONDS apart
    "RETRY_MAX_SECONDS": 6 * 3600,
    "MAX_RETRIES": 10,  # about 14 hours of retries, then the next planning run of the week takes over
    "STUCK_AFTER_MINUTES": 60,  # "sending" for longer: reported, never resent (at most once)
    "UNSUBSCRIBE_MAILTO": os.environ.get("MAILLAGE_DIGEST_UNSUBSCRIBE_MAILTO", ""),  # optional address
}

# Outbox (outbox/): every e-mail Maillage sends itself. A failed send is tried again after 1, 2, 4… minutes
# (at most RETRY_MAX_SECONDS apart), MAX_ATTEMPTS times in all (a little over 2 hours), then shown as failed.
OUTBOX = {
    "MAX_ATTEMPTS": 8,
    "RETRY_BASE_SECONDS": 60,
    "RETRY_MAX_SECONDS": 6 * 3600,
    "STUCK_AFTER_MINUTES": 30,  # "sending" for longer: the worker died; marked failed, never resent by itself
}

# Feed sync: limits of one download of a structure's calendar (calendars/fetch.py).
MAILLAGE_FEED_MAX_BYTES = 10_000_000  # as received and once decompressed
MAILLAGE_FEED_TIMEOUT = (10, 30)  # seconds: the longest wait to connect, and for any one read…
# …and for the whole fetch (connection, status line, headers, body, redirects), whatever the server does.
MAILLAGE_FETCH_DEADLINE_SECONDS = float(os.environ.get("MAILLAGE_FETCH_DEADLINE_SECONDS", "30"))
# Federation: limits of one sync of a followed instance (federation/client.py). Each API page is one guarded
# fetch (deadline MAILLAGE_FETCH_DEADLINE_SECONDS); the whole sync has its own deadline and page count.
MAILLAGE_PEER_MAX_BYTES = int(os.environ.get("MAILLAGE_PEER_MAX_BYTES", "20000000"))
MAILLAGE_PEER_MAX_PAGES = int(os.environ.get("MAILLAGE_PEER_MAX_PAGES", "200"))
MAILLAGE_PEER_SYNC_DEADLINE_SECONDS = float(os.environ.get("MAILLAGE_PEER_SYNC_DEADLINE_SECONDS", "180"))
# An object of a peer left out for a reason that may pass (its bassin not copied yet…) is tried again at
# this many syncs, then given up and reported on the peer (federation.models.SkippedItem).
MAILLAGE_PEER_MAX_ATTEMPTS = int(os.environ.get("MAILLAGE_PEER_MAX_ATTEMPTS", "5"))
# A given-up object is still tried once more every this many hours (a fault upstream that lasts must not
# leave it missing for ever); administrators may also re-queue them at once (« Réessayer »).
MAILLAGE_PEER_GIVEN_UP_RETRY_HOURS = float(os.environ.get("MAILLAGE_PEER_GIVEN_UP_RETRY_HOURS", "24"))
# Open data (opendata app): the producer id in the national file name, the territory of the whole export,
# and the largest file `import_lieux` reads (a URL is fetched through the calendars' SSRF guard).
MAILLAGE_OPENDATA_PRODUCER = os.environ.get("MAILLAGE_OPENDATA_PRODUCER", "maillage")
MAILLAGE_OPENDATA_TERRITORY = os.environ.get("MAILLAGE_OPENDATA_TERRITORY", "centre-val-de-loire")
MAILLAGE_OPENDATA_IMPORT_MAX_BYTES = 50_000_000
# An import started in the admin runs as a task (opendata.tasks.run_import_task, on the feeds queue): a
# national file of 20,000 new places takes from 10 to 30 minutes; the task is stopped after this many seconds.
MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT = int(os.environ.get("MAILLAGE_OPENDATA_IMPORT_TIME_LIMIT", "7200"))
# Imports that can no longer end by themselves are marked failed, and whoever started them told, by the beat
# entry "fail-stalled-imports" every STALLED_CHECK_MINUTES: those running without a sign of life for
# HEARTBEAT_TIMEOUT_MINUTES (a run writes one after every batch of 200 places, seconds apart: its worker died)
# or still running after the time limit above, and those still queued after QUEUED_TOO_LONG_HOURS (the broker
# lost their task).
MAILLAGE_OPENDATA_STALLED_CHECK_MINUTES = int(os.environ.get("MAILLAGE_OPENDATA_STALLED_CHECK_MINUTES", "10"))
MAILLAGE_OPENDATA_HEARTBEAT_TIMEOUT_MINUTES = int(
    os.environ.get("MAILLAGE_OPENDATA_HEARTBEAT_TIMEOUT_MINUTES", "15")
)
MAILLAGE_OPENDATA_QUEUED_TOO_LONG_HOURS = int(os.environ.get("MAILLAGE_OPENDATA_QUEUED_TOO_LONG_HOURS", "24"))
# Calendars one structure may synchronise (« Import manuel » entries of `import_ical` are not counted).
MAILLAGE_MAX_FEEDS_PER_STRUCTURE = int(os.environ.get("MAILLAGE_MAX_FEEDS_PER_STRUCTURE", "5"))
# Loopback only (never private networks) may be reached when true: for tests and local development.
MAILLAGE_FEED_ALLOW_LOOPBACK = env_bool("MAILLAGE_FEED_ALLOW_LOOPBACK")
# Size bounds beyond bytes (docs/administration.md): what exceeds is left out, with a warning on the feed.
MAILLAGE_FEED_MAX_EVENTS = 2000  # events (VEVENT) read per calendar
MAILLAGE_FEED_MAX_DATES_PER_SERIES = 1000  # RDATEs, and EXDATEs, per series
# Sessions materialised per series over the window (one year back, twelve months ahead): a daily series is
# about 740; typed ateliers too.
MAILLAGE_MAX_SESSIONS_PER_SERIES = 800
