"""The sample frameworks shipped with evidence (package data), loaded by `evidence init`.

They are written from public facts about the PAR index and the PCTN index; a province replaces them with its own
framework (`evidence framework import FILE --replace`, or a new id).
"""

from __future__ import annotations

from pathlib import Path

from ..store import Store
from .files import parse_framework_file
from .model import save_framework

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_IDS = ("par-department", "par-commune", "pctn-province")


def sample_paths() -> dict[str, Path]:
    """{framework id: path of its YAML file} for every shipped sample."""
    return {sample_id: DATA_DIR / f"{sample_id}.yaml" for sample_id in SAMPLE_IDS}


def load_samples(store: Store) -> list[str]:
    """Import the samples the store does not have yet; return the ids loaded (a loaded id is never replaced)."""
    loaded_ids = {row[0] for row in store.db.execute("SELECT id FROM frameworks")}
    loaded = []
    for sample_id, path in sample_paths().items():
        if sample_id in loaded_ids:
            continue
        save_framework(store, parse_framework_file(path))
        loaded.append(sample_id)
    return loaded
