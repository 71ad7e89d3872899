"""Several web processes (`evidence serve --workers N`): gunicorn's arbiter forking N uvicorn workers.

Each process builds its own app (its own store connections; in the embedded mode its own reader process, the
claims in the database keeping them apart; with EVIDENCE_QUEUE_URL no reader at all). Any process serves any
user: the session is checked against the database or a key kept in the store, never against a process's memory.
The arbiter replaces a worker that dies and stops them all on SIGTERM/SIGINT.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def run_processes(
    factory: Callable[[], Any],
    *,
    host: str,
    port: int,
    workers: int,
    timeout: int = 120,
    graceful_timeout: int = 30,
) -> None:
    """Serve the ASGI app made by `factory` (called once in each worker process) from `workers` processes."""
    # gunicorn is the optional `server` extra and only this path needs it
    from gunicorn.app.base import BaseApplication

    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    class _Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {
                "bind": [bind],
                "workers": workers,
                "worker_class": "uvicorn_worker.UvicornWorker",
                "timeout": timeout,
                "graceful_timeout": graceful_timeout,
                "keepalive": 5,
                "preload_app": False,  # each worker opens its own store after the fork
                "accesslog": "-",
                "errorlog": "-",
                "loglevel": "info",
                "proc_name": "evidence-web",
                "control_socket_disable": True,  # gunicorn ≥ 24: one socket per user's home would be shared
            }.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return factory()

    _Server().run()
