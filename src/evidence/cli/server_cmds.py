"""worker: server mode's reader on the Celery/Redis queue (EVIDENCE_QUEUE_URL)."""

from __future__ import annotations

import logging
import os

import click

from ..catalog import celery_queue
from .common import AppContext, pass_app


@click.command()
@click.option(
    "--concurrency",
    type=click.IntRange(1, 512),
    default=None,
    help="Files this worker reads at once (default: the cores of this machine).",
)
@click.option("--store", "store_option", metavar="DIR", help="Store directory (same as `evidence --store DIR`).")
@click.option("--no-ocr", is_flag=True, help="Do not OCR scans (faster; scans get no text).")
@click.option(
    "--sweep",
    type=click.FloatRange(0.5, 3600),
    default=celery_queue.SWEEP_SECONDS,
    show_default=True,
    help="Seconds between sweeps of the database (claims of dead workers, records whose message was lost).",
)
@pass_app
def worker(app: AppContext, concurrency, store_option, no_ocr, sweep):
    """Read uploads from the Redis queue of EVIDENCE_QUEUE_URL (server mode); runs until stopped (SIGTERM, Ctrl+C)."""
    if store_option:
        app.close()
        app.store_option = store_option
    store_path = app.store_path
    app.store()  # the store exists and is migrated (one-line error otherwise)
    app.close()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ocr = not no_ocr
    jobs = concurrency or os.cpu_count() or 1
    celery_queue.prepare_worker(store_path, ocr=ocr)  # one-line errors before anything starts
    click.echo(
        f"evidence worker: store {store_path}, queue {celery_queue.shown_url(celery_queue.queue_url())},"
        f" {jobs} file(s) at once{'' if ocr else ', no OCR'}; Ctrl+C to stop",
        err=True,
    )
    celery_queue.supervise(store_path, concurrency=jobs, ocr=ocr, sweep=sweep)


COMMANDS = [worker]
