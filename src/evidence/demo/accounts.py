"""The demo's web accounts (a demo store is for trying the app on one's own machine, never for real data)."""

from __future__ import annotations

from ..store import Store
from ..vn.text import fold
from ..web import accounts

DEMO_PASSWORDS = {"secretariat": "thuky-demo-cchc", "reviewer": "thamdinh-demo-cchc"}


def demo_accounts(store: Store) -> list[dict]:
    """The demo's accounts, created or reset idempotently: secretariat `thuky`, reviewer `thamdinh`, and one
    account `don-vi-<code>` per unit code in the store. Their passwords are fixed and printed by the demo: a demo
    store is for trying the app on one's own machine, never for real data."""
    wanted: list[tuple[str, str, str | None, str]] = [
        ("thuky", "secretariat", None, DEMO_PASSWORDS["secretariat"]),
        ("thamdinh", "reviewer", None, DEMO_PASSWORDS["reviewer"]),
    ]
    for code in accounts.unit_codes(store):
        slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in fold(code).lower()).strip("-")
        wanted.append((f"don-vi-{slug}", "unit", code, f"donvi-{slug}-demo"))
    out = []
    for name, role, unit, password in wanted:
        accounts.ensure_user(store, name, role, password, unit=unit)
        out.append({"name": name, "password": password, "role": role, "unit": unit})
    return out
