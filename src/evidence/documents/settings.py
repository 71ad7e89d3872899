"""The optional `documents:` section of a campaign YAML, read with Vietnamese defaults.

Every key is optional (see docs/documents.md). Per-kind keys (`documents.plan.number`) override shared ones
(`documents.number` is not a thing: numbers are per document).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..round.campaign import Campaign
from ..errors import InputError
from ..vn.text import nfc, squash_spaces

KIND_SYMBOL = {
    "plan": "KH",
    "decision": "QĐ",
    "minutes": "BB",
    "report": "BC",
    "submission": "TTr",
    "announcement": "QĐ",
}


class DocumentSettings:
    def __init__(self, campaign: Campaign, kind: str):
        self.campaign, self.kind = campaign, kind
        raw = campaign.config.get("documents") or {}
        if not isinstance(raw, dict):
            raise InputError("campaign documents: expected a mapping (see docs/documents.md)")
        self.shared = raw
        own = raw.get(kind) or {}
        if not isinstance(own, dict):
            raise InputError(f"campaign documents.{kind}: expected a mapping")
        self.own = own

    def get(self, key: str, default=None):
        """The per-kind value, else the shared one, else the default."""
        if key in self.own and self.own[key] not in (None, ""):
            return self.own[key]
        if key in self.shared and self.shared[key] not in (None, ""):
            return self.shared[key]
        return default

    def text(self, key: str, default: str = "") -> str:
        value = self.get(key, default)
        return squash_spaces(nfc(str(value))) if value is not None else ""

    def lines(self, key: str, default: list[str]) -> list[str]:
        value = self.get(key, None)
        if value is None:
            return list(default)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise InputError(f"campaign documents.{self.kind}.{key}: expected a list of lines")
        return [squash_spaces(nfc(str(v))) for v in value if str(v).strip()]

    def date(self, key: str, default: date | None) -> date | None:
        value = self.get(key, None)
        if value is None:
            return default
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            raise InputError(f"campaign documents.{self.kind}.{key}: '{value}' is not a date (YYYY-MM-DD)") from None

    def number(self) -> str:
        """The document number: blank (for the clerk) unless given; below 10 zero-padded."""
        value = self.own.get("number")
        if value in (None, ""):
            return "      "
        text = str(value).strip()
        if not re.fullmatch(r"\d{1,6}[a-z]?", text):
            raise InputError(f"campaign documents.{self.kind}.number: '{text}' is not a document number")
        digits = re.sub(r"\D.*", "", text)
        return digits.zfill(2) + text[len(digits) :]
