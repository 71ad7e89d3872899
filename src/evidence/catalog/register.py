"""Registering an issued document with its signed PDF: the PDF is read by the reader, its number and date must
agree with what the secretariat enters, and the original is kept with the other originals (by SHA-256).

The register itself (and registering without a PDF) is `round.register`; this module adds the reading, which the
round layer may not import.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .. import config
from ..errors import InputError
from ..reading import read_document
from ..round.campaign import load_campaign
from ..round.register import IssuedDocument, check_date, check_kind, check_number, record_issued
from ..store import Store
from ..vn.numbers import normalize_number
from .attach import preflight


def register_document(
    store: Store,
    campaign_id: str,
    kind: str,
    *,
    number: str,
    issued_on: date | str,
    pdf: Path | None = None,
    by: str | None = None,
    issuer: str | None = None,
    subject: str | None = None,
    signer: str | None = None,
) -> IssuedDocument:
    """Record the number and date a document got at signing; with `pdf`, read it first and refuse (one line,
    nothing recorded) when it shows another number or date."""
    campaign = load_campaign(store, campaign_id)
    check_kind(kind)
    canonical = check_number(kind, number)
    day = check_date(campaign, issued_on)
    sha256 = None
    if pdf is not None:
        pdf = Path(pdf)
        preflight(pdf)
        reading = read_document(pdf)
        if reading.format != "pdf":
            raise InputError(f"--pdf: expected the signed PDF, got a {reading.format} file", path=pdf)
        shown = normalize_number(reading.metadata.get("number"))
        if shown and not shown.startswith("/") and shown != canonical:  # a blank number (/KH-UBND) proves nothing
            raise InputError(f"the PDF shows number {shown}, not {canonical}", path=pdf)
        shown_date = reading.metadata.get("issued_on")
        if shown_date and shown_date != day.isoformat():
            raise InputError(
                f"the PDF is dated {date.fromisoformat(shown_date).strftime('%d/%m/%Y')},"
                f" not {day.strftime('%d/%m/%Y')}",
                path=pdf,
            )
        stored = store.blobs.put_file(pdf, max_bytes=config.MAX_FILE_BYTES)
        sha256 = stored.sha256
        if not signer and reading.metadata.get("signer_name"):
            signer = reading.metadata["signer_name"]
    return record_issued(
        store,
        campaign.id,
        kind,
        number=canonical,
        issued_on=day,
        issuer=issuer,
        subject=subject,
        signer=signer,
        pdf_sha256=sha256,
        by=by,
    )
