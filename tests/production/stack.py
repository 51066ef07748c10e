"""The deployed configuration, run for real: what the Dockerfile and docker-compose.yml start.

A fresh PostgreSQL database, a throwaway Redis on a free port (never the shared one), an SMTP
server the tests can take down, static files built by the Dockerfile's own command, then
gunicorn with `DEBUG=0`, a Celery worker and beat started with the compose file's commands.
"""

import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests
import yaml
from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# What the outage tests measured, printed at the end of the run (and kept for the notes).
FIGURES: dict[str, dict] = {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def dockerfile_collectstatic_command() -> str:
    """The shell command of the Dockerfile's collectstatic step, exactly as the build runs it."""
    for line in (BASE_DIR / "Dockerfile").read_text().splitlines():
        if line.startswith("RUN ") and "collectstatic" in line:
            return line.removeprefix("RUN ").strip()
    raise AssertionError("the Dockerfile has no collectstatic step")


def compose_command(service: str) -> list[str]:
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    return shlex.split(compose["services"][service]["command"])


class RedisServer:
    """Our own redis-server process: killed with SIGKILL, started again on the same port."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what="redis-server")

    def _answers(self) -> bool:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


class _Mailbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on a fixed port: stopped (connections refused), then started again."""

    def __init__(self):
        self.port = free_port()
        self.mailbox = _Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()
        self.controller = None

    @property
    def messages(self) -> list[str]:
        with self.mailbox.lock:
            return list(self.mailbox.messages)

    def delivery_ids(self) -> list[str]:
        """The X-CRM-Delivery header of every message received: one per delivery, if none twice."""
        found = []
        for message in self.messages:
            match = re.search(r"^X-CRM-Delivery: (\d+)", message, re.MULTILINE)
            if match:
                found.append(match.group(1))
        return found


@dataclass
class Stack:
    directory: Path
    database_url: str
    redis: RedisServer
    smtp: SmtpServer
    port: int = field(default_factory=free_port)
    processes: dict = field(default_factory=dict)
    environment: dict = field(default_factory=dict)
    collectstatic: subprocess.CompletedProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def build_environment(self):
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DJANGO_", "PYTEST_", "TEST_DATABASE", "CELERY_"))
        }
        self.environment = {
            **inherited,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
            "SITE_URL": self.url,
            # Served over plain HTTP on loopback; the TLS defaults are covered by check --deploy.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "STATIC_ROOT": str(self.directory / "static"),
            "MEDIA_ROOT": str(self.directory / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.directory / "private"),
            # Faster than production so the tests see retries and sweeps within seconds.
            "NOTIFICATIONS_STALE_SECONDS": "3",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
            "API_THROTTLE_RATE": "100000/minute",
            "LOG_LEVEL": "WARNING",
        }

    def run(self, command: str | list[str], **kwargs) -> subprocess.CompletedProcess:
        kwargs.setdefault("env", self.environment)
        return subprocess.run(
            command,
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
            **kwargs,
        )

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        result = self.run([sys.executable, "manage.py", *args])
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr[-3000:]}"
        return result

    def start_process(self, name: str, command: list[str]):
        log = (self.directory / f"{name}.log").open("w")
        if command[0] in ("gunicorn", "celery"):
            command = [str(BIN / command[0]), *command[1:]]
        self.processes[name] = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.environment, stdout=log, stderr=subprocess.STDOUT
        )

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def start(self):
        self.build_environment()
        self.collectstatic = self.run(dockerfile_collectstatic_command(), shell=True)  # noqa: S604
        self.manage("migrate", "--noinput")
        # The seven showcase orders (every role's logins, documents): the six months of history
        # cost a minute here and the outages and pages need none of it.
        self.manage("seed_demo", "--showcase-only")
        # The sweep that catches what a lost nudge missed runs every 2 s instead of 60 s.
        self.sql(
            "UPDATE django_celery_beat_intervalschedule SET every = 2 WHERE id IN ("
            " SELECT interval_id FROM django_celery_beat_periodictask"
            " WHERE task = 'notifications.tasks.notifications_sweep_task')"
        )
        self.start_process(
            "web",
            [
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ],
        )
        self.start_process("worker", compose_command("worker"))
        self.start_process("beat", compose_command("beat"))
        wait_for(
            lambda: requests.get(f"{self.url}/health/", timeout=5).status_code == 200,
            timeout=60,
            what="gunicorn to answer /health/",
        )
        wait_for(
            lambda: "ready." in self.log("worker"), timeout=60, what="the Celery worker to start"
        )

    def stop(self):
        for process in self.processes.values():
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def sql(self, query: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def scalar(self, query: str, params=()):
        return self.sql(query, params)[0][0]


def server_database_url() -> str | None:
    """The PostgreSQL server the suite runs on, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def create_database(server_url: str) -> tuple[str, str]:
    name = f"crm_production_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return name, parts._replace(path=f"/{name}").geturl()


def drop_database(server_url: str, name: str):
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
