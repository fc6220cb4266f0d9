"""Real processes for the scale-out and fault tests: app servers (gunicorn with the
site's own configuration, site/gunicorn.conf.py), task workers (`manage.py db_worker`),
a TCP proxy in front of PostgreSQL that a test can cut, a local S3 server (moto) and a
small SMTP server. Each is started on a free port of 127.0.0.1 and stopped by its own
process id or socket, never by name.

The processes read the test's database (the test uses `transactional_db`, so what it
writes is committed and they see it) with tests/server_settings.py: the production
settings, plus what the environment given here says.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 90  # seconds: two cores shared by several test runs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(*, host: str | None = None, port: int | None = None) -> str:
    """The test database as a DATABASE_URL (optionally through another host and port)."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    host = host or settings["HOST"] or "127.0.0.1"
    port = port or settings["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def server_environment(**extra: str) -> dict[str, str]:
    """The environment of a server process: the test's own, minus what would change
    the site's configuration, plus the production-like variables the tests need."""
    cleared = {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in cleared and not k.startswith(("AWS_", "STRIPE_", "EMAIL_", "PAGE_CACHE"))
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="tests.server_settings",
        DATABASE_URL=database_url(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain http on 127.0.0.1: no https redirect, cookies sent back by the test.
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        OTP_REQUIRED_FOR_STAFF="false",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    environ.update(extra)
    return environ


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL: the process dies at once, as in a crash or an out-of-memory kill."""
        self.stop(signal.SIGKILL)


def start(name: str, command: list[str], environ: dict[str, str], tmp_path: Path) -> Process:
    log = tmp_path / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT
        )
    return Process(name, popen, log)


@dataclass
class AppServer(Process):
    url: str = ""


def start_app_server(name: str, tmp_path: Path, *, workers: int = 1, **environ: str) -> AppServer:
    """gunicorn with site/gunicorn.conf.py, as in production, ready when /health/ answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = server_environment(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        BASE_URL=url,
        # Without Redis, the page cache is a folder shared by the servers of one machine:
        # this test's own.
        PAGE_CACHE_DIR=str(tmp_path / "page-cache"),
        **environ,
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = start(name, [gunicorn, "-c", "site/gunicorn.conf.py"], env, tmp_path)
    server = AppServer(process.name, process.popen, process.log, url=url)
    wait_until(lambda: _answers(url + "/health/"), f"{name} did not start", server)
    return server


def start_worker(name: str, tmp_path: Path, **environ: str) -> Process:
    env = server_environment(TASKS_BACKEND="django_tasks_db.DatabaseBackend", **environ)
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-startup-delay",
        "--interval",
        "0.2",
        "--no-reload",
    ]
    return start(name, command, env, tmp_path)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (127.0.0.1)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait_until(condition, message: str, process: Process | None = None, timeout=START_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.popen.poll() is not None:
            raise AssertionError(f"{message}: exited\n{process.output()}")
        time.sleep(0.2)
    raise AssertionError(
        f"{message} within {timeout} s" + (f"\n{process.output()}" if process else "")
    )


# --- a TCP proxy the test can cut ----------------------------------------------------------


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a backend (PostgreSQL). `cut()` closes every open
    connection and refuses new ones, as a database that went down; `restore()` accepts
    again, as a database back up."""

    def __init__(self, backend_host: str, backend_port: int):
        self.backend = (backend_host, backend_port)
        self.port = free_port()
        self._up = threading.Event()
        self._up.set()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stopped = False

    def start(self) -> "TcpProxy":
        self._open_listener()
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def _open_listener(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)
        self._listener = listener

    def _accept_loop(self) -> None:
        while not self._stopped:
            if not self._up.is_set():
                time.sleep(0.05)
                continue
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                backend = socket.create_connection(self.backend, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, backend))
            for source, target in ((client, backend), (backend, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            with self._lock:
                self._sockets.difference_update((source, target))

    def cut(self) -> None:
        """Refuse new connections (connection refused) and drop the open ones."""
        self._up.clear()
        self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def restore(self) -> None:
        self._open_listener()
        self._up.set()

    def stop(self) -> None:
        self._stopped = True
        self.cut()


# --- a small SMTP server ---------------------------------------------------------------------


@dataclass
class SmtpServer:
    """Accepts mail on 127.0.0.1 and keeps each message. The first `stall` connections
    get no greeting at all: the client waits there, mid-send, until it times out or dies."""

    stall: int = 0
    port: int = 0
    messages: list[bytes] = field(default_factory=list)
    connections: int = 0

    def start(self) -> "SmtpServer":
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._stopped = False
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def _accept_loop(self) -> None:
        while not self._stopped:
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            if self.connections <= self.stall:
                self._held.append(client)  # no greeting: the sender hangs here
                continue
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    def _session(self, client: socket.socket) -> None:
        reader = client.makefile("rb")

        def reply(line: str) -> None:
            client.sendall(line.encode() + b"\r\n")

        try:
            reply("220 test SMTP")
            while line := reader.readline():
                command = line.strip().upper()
                if command.startswith((b"EHLO", b"HELO")):
                    reply("250 test")
                elif command == b"DATA":
                    reply("354 end with .")
                    body = b""
                    while (chunk := reader.readline()) not in (b".\r\n", b""):
                        body += chunk
                    self.messages.append(body)
                    reply("250 accepted")
                elif command == b"QUIT":
                    reply("221 bye")
                    break
                else:  # MAIL FROM, RCPT TO, RSET, NOOP
                    reply("250 ok")
        finally:
            client.close()

    def stop(self) -> None:
        self._stopped = True
        self._listener.close()
        for client in self._held:
            client.close()
