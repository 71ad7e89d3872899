"""A real PostgreSQL for the tests: the distribution's server binaries (initdb, pg_ctl) start a private cluster in a
temporary folder on a Unix socket, once per test session; each test gets a fresh database copied from a template
that already has the schema (fast: CREATE DATABASE … TEMPLATE). Nothing is mocked.

As root (CI), the cluster runs as the `postgres` user the package creates (initdb refuses root)."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

TEMPLATE = "evidence_template"
_counter = itertools.count(1)


def server_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_owner(command: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


class Postgres:
    """A private cluster: `url(db)` names a database on its socket."""

    def __init__(self, folder: Path | None = None):
        self.bin = server_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found (install the `postgresql` package)")
        self.user = "postgres" if os.geteuid() == 0 else None
        self.folder = Path(folder or tempfile.mkdtemp(prefix="evidence-pg-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.port = 5432 + (os.getpid() + next(_counter) * 7919) % 20000 + 1000
        self.role = "evidence"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(_as_owner(list(command), self.user), check=check, capture_output=True, text=True, cwd="/")

    def start(self) -> Postgres:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self.user:
            info = pwd.getpwnam(self.user)
            for path in (self.folder, self.socket_dir):
                os.chown(path, info.pw_uid, info.pw_gid)
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", self.role, "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.start_server()
        return self

    def start_server(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_dir} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop_server(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop_server()
        self.start_server()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.role}@/{database}?host={self.socket_dir}&port={self.port}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)

    def make_template(self) -> None:
        """A database with the schema migrated by the program itself, to copy for each test."""
        from evidence.store.db import connect_url

        from evidence.store.pg import close_idle

        self.sql(f"CREATE DATABASE {TEMPLATE}")
        connect_url(self.url(TEMPLATE)).close()
        close_idle(self.url(TEMPLATE))  # a template must have no session

    def fresh_database(self) -> str:
        """A new database with the schema (a copy of the template); returns its URL."""
        name = f"t{os.getpid()}_{next(_counter)}"
        for attempt in range(50):  # the template may still have a closing connection
            try:
                self.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
                break
            except Exception:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        return self.url(name)

    def drop(self, url: str) -> None:
        """Drop a test's database (its files would otherwise pile up: ~8 MB each, hundreds per run)."""
        from evidence.store.pg import close_idle

        close_idle(url)
        name = url.split("@/", 1)[1].split("?", 1)[0]
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def empty_database(self, template: str = "template1") -> str:
        name = f"e{os.getpid()}_{next(_counter)}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def run_tool(self, tool: str, *args: str) -> None:
        """A client program of the same installation (pg_dump, pg_restore), as the tests' user."""
        done = subprocess.run([str(self.bin / tool), *args], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip()}")

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def database_errors() -> tuple[type[BaseException], ...]:
    """What a refused statement raises on either engine (the append-only triggers' errors)."""
    import sqlite3

    try:
        import psycopg
    except ImportError:
        return (sqlite3.IntegrityError,)
    return (sqlite3.IntegrityError, psycopg.errors.IntegrityConstraintViolation)
