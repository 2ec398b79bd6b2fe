"""Development launcher: `make run`, or `python -m config.launcher` from the repository root.

Prepares the database (migrate, demo territory, administrator account), chooses the Celery broker, then
runs the web server, one Celery worker and Celery beat side by side until Ctrl-C.

What must stay true:
- the broker is chosen here, once, and handed to the three processes through `CELERY_BROKER_URL`, so that
  they never disagree; the choice and the database are logged so a developer knows what runs;
- every process runs in a process group of its own and is stopped with its whole group (runserver's
  autoreloader child, Celery's pool processes): one Ctrl-C leaves nothing behind;
- if one of the three stops on its own, the others are stopped too and the launcher exits non-zero.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = "config.settings.dev"
REDIS_PROBE_TIMEOUT = 1.0
STOP_GRACE_SECONDS = 10.0
COLOURS = {"web": "32", "worker": "36", "beat": "35"}


def log(message: str) -> None:
    sys.stdout.write(f"[maillage] {message}\n")
    sys.stdout.flush()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


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
    import redis

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


def choose_broker(environ: dict[str, str]) -> BrokerChoice:
    """Redis when `REDIS_URL` answers a PING, else the embedded filesystem transport.

    An explicit `CELERY_BROKER_URL` wins over both: it is the way to point the three processes at any
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


def manage(*args: str, env: dict[str, str]) -> None:
    """Run one `manage.py` step in the foreground; stop the launcher if it fails."""
    log("manage.py " + " ".join(args))
    completed = subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=False)
    if completed.returncode != 0:
        log(f"Échec de « manage.py {' '.join(args)} » (code {completed.returncode}) : arrêt.")
        raise SystemExit(completed.returncode)


class Child:
    """One long-running process, its output prefixed with its name."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], width: int):
        self.name = name
        self.command = command
        self.env = env
        self.prefix = f"{name:<{width}} | "
        if sys.stdout.isatty():
            self.prefix = f"\033[{COLOURS.get(name, '0')}m{self.prefix}\033[0m"
        self.process: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None

    def start(self, output_lock: threading.Lock) -> None:
        self.process = subprocess.Popen(
            self.command,
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            process_group=0,  # its own group: the terminal's Ctrl-C reaches the launcher only
        )
        self.reader = threading.Thread(target=self._copy_output, args=(output_lock,), daemon=True)
        self.reader.start()

    def _copy_output(self, output_lock: threading.Lock) -> None:
        assert self.process is not None and self.process.stdout is not None
        for raw in iter(self.process.stdout.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            with output_lock:
                sys.stdout.write(self.prefix + line + "\n")
                sys.stdout.flush()

    def poll(self) -> int | None:
        assert self.process is not None
        return self.process.poll()

    def signal_group(self, signum: int) -> None:
        """Send `signum` to the child's whole process group (it may have children of its own)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)


class Supervisor:
    """Runs the children until a signal or the end of one of them, then stops them all."""

    def __init__(self, children: list[Child]):
        self.children = children
        self.output_lock = threading.Lock()
        self.stop_requested = threading.Event()
        self.first_signal_at: float | None = None
        self.force = False

    def _on_signal(self, signum: int, _frame) -> None:
        now = time.monotonic()
        if self.first_signal_at is None:
            self.first_signal_at = now
            self.stop_requested.set()
        elif now - self.first_signal_at > 1.0:
            # A second Ctrl-C (not the same signal delivered twice by make and the terminal): no more waiting.
            self.force = True

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        for child in self.children:
            child.start(self.output_lock)
        exit_code = 0
        while not self.stop_requested.wait(0.2):
            ended = [child for child in self.children if child.poll() is not None]
            if ended:
                child = ended[0]
                log(f"« {child.name} » s'est arrêté (code {child.poll()}) : arrêt des autres processus.")
                exit_code = child.poll() or 1
                break
        else:
            log("Arrêt demandé : arrêt du serveur web, du worker et de beat…")
        self.stop_all()
        return exit_code

    def stop_all(self) -> None:
        # SIGINT to each whole group, as a terminal's Ctrl-C would: runserver and its autoreloader child quit,
        # Celery's worker shuts down warmly (its pool processes ignore SIGINT and wait for it).
        for child in self.children:
            if child.poll() is None:
                child.signal_group(signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while time.monotonic() < deadline and not self.force:
            if all(child.poll() is not None for child in self.children):
                break
            time.sleep(0.1)
        for child in self.children:
            if child.poll() is None:
                log(f"« {child.name} » ne s'arrête pas : SIGKILL.")
        # Also reaps what a child left in its group (pool processes, the autoreloader's child).
        for child in self.children:
            child.signal_group(signal.SIGKILL)
        for child in self.children:
            assert child.process is not None
            child.process.wait()
            if child.reader is not None:
                child.reader.join(timeout=2)
        log("Tous les processus sont arrêtés.")


def build_children(python: str, env: dict[str, str], address: str) -> list[Child]:
    celery = [python, "-m", "celery", "-A", "celery_app"]
    commands = {
        "web": [python, "manage.py", "runserver", address],
        "worker": [*celery, "worker", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        "beat": [
            *celery,
            "beat",
            "--loglevel=INFO",
            "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
        ],
    }
    width = max(len(name) for name in commands)
    return [Child(name, command, env, width) for name, command in commands.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m config.launcher",
        description="Lance Maillage en développement : web, worker Celery et beat (Ctrl-C arrête tout).",
    )
    parser.add_argument(
        "--addr",
        default=f"127.0.0.1:{os.environ.get('MAILLAGE_PORT', '8000')}",
        help="adresse du serveur web (défaut : 127.0.0.1:$MAILLAGE_PORT, soit 127.0.0.1:8000)",
    )
    parser.add_argument(
        "--skip-setup",
        action="store_true",
        help="ne lance ni migrate, ni load_demo, ni ensure_admin, ni collectstatic",
    )
    args = parser.parse_args(argv)

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    env["PYTHONUNBUFFERED"] = "1"
    # Links in e-mails, feeds and the widget snippet use MAILLAGE_BASE_URL: follow the address served here.
    env.setdefault("MAILLAGE_BASE_URL", f"http://{args.addr}")
    choice = choose_broker(env)
    env["CELERY_BROKER_URL"] = choice.url

    # The launcher reads the same settings as its children, now that the broker is fixed.
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    from django.conf import settings

    filesystem_dir = Path(settings.CELERY_FILESYSTEM_DIR)
    if choice.url.startswith("filesystem://"):
        for folder in ("queue", "processed", "control"):
            (filesystem_dir / folder).mkdir(parents=True, exist_ok=True)
    log(f"Réglages Django : {env['DJANGO_SETTINGS_MODULE']}")
    log(describe_database(settings.DATABASES["default"]))
    log(describe_broker(choice, filesystem_dir))

    # A SIGTERM during the setup steps stops the running step too (subprocess.run kills it on the way out).
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    try:
        if not args.skip_setup:
            manage("migrate", "--noinput", env=env)
            manage("load_demo", env=env)
            manage("ensure_admin", env=env)
            if not settings.DEBUG:
                # With DEBUG, runserver serves static files from the apps; without it, WhiteNoise needs them.
                manage("collectstatic", "--noinput", env=env)
    except KeyboardInterrupt:
        log("Interrompu pendant la préparation.")
        return 130

    log(f"Site : http://{args.addr}/ — administration : http://{args.addr}/admin/ — Ctrl-C arrête tout.")
    return Supervisor(build_children(sys.executable, env, args.addr)).run()


if __name__ == "__main__":
    sys.exit(main())
