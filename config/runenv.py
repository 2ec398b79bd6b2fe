"""What `make run` hands to its processes (web, the two workers and beat of the `Procfile`, run by honcho).

The broker is chosen once, here, and written with the other variables to `var/run.env`, which honcho gives to
the preparation step and to every process: they never disagree. Redis when `REDIS_URL` answers a PING,
else Celery's filesystem transport under `var/celery/` (no service to install); an explicit
`CELERY_BROKER_URL` wins over both. No secret is ever printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis

BASE_DIR = Path(__file__).resolve().parent.parent
REDIS_PROBE_TIMEOUT = 1.0


def redact(url: str) -> str:
    """Return `url` with its password replaced by `***`, for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + netloc))


def probe_redis(url: str, timeout: float = REDIS_PROBE_TIMEOUT) -> str | None:
    """PING the Redis at `url`; return None if it answered, else why it did not."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    except ValueError as exc:
        return f"adresse invalide : {exc}"
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        return str(exc) or exc.__class__.__name__
    finally:
        client.close()
    return None


@dataclass(frozen=True)
class BrokerChoice:
    url: str
    source: str  # "explicit" (CELERY_BROKER_URL), "redis" or "filesystem"
    reason: str = ""  # why the filesystem transport was chosen


def choose_broker(environ) -> BrokerChoice:
    """Redis when `REDIS_URL` answers a PING, else the embedded filesystem transport.

    An explicit `CELERY_BROKER_URL` wins over both: it is the way to point every process at any
    other broker.
    """
    explicit = environ.get("CELERY_BROKER_URL", "").strip()
    if explicit:
        return BrokerChoice(explicit, "explicit")
    redis_url = environ.get("REDIS_URL", "").strip()
    if not redis_url:
        return BrokerChoice("filesystem://", "filesystem", "REDIS_URL n'est pas définie")
    error = probe_redis(redis_url)
    if error is None:
        return BrokerChoice(redis_url, "redis")
    return BrokerChoice("filesystem://", "filesystem", f"Redis ne répond pas à {redact(redis_url)} ({error})")


def display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(BASE_DIR))
    except ValueError:
        return str(path)


def describe_broker(choice: BrokerChoice, filesystem_dir: Path) -> str:
    if choice.source == "explicit":
        return f"Broker Celery : CELERY_BROKER_URL imposé ({redact(choice.url)})"
    if choice.source == "redis":
        return f"Broker Celery : Redis ({redact(choice.url)})"
    return f"Broker Celery : transport fichier intégré ({display_path(filesystem_dir)}), {choice.reason}"


def describe_database(database: dict) -> str:
    """Say which database the processes use, without its password."""
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"Base de données : SQLite {display_path(Path(database['NAME']))}"
    host = database.get("HOST") or "socket local"
    if database.get("PORT"):
        host = f"{host}:{database['PORT']}"
    label = {"postgresql": "PostgreSQL", "mysql": "MySQL/MariaDB"}.get(engine, engine)
    return f"Base de données : {label} ({host}/{database['NAME']})"
