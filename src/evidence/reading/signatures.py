"""PDF digital signatures: signing time, signer (certificate subject), reason, and integrity.

pyHanko parses the signature dictionaries and the CMS containers. `intact` is True when the digest of the signed
byte ranges equals the message digest in the signature and the signature over the signed attributes verifies
against the signer's certificate; False when either fails (the bytes were altered after signing); None when it
could not be checked. The trust chain is not validated.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..vn.text import nfc, squash_spaces

logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)

_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+\-])(\d{2})?'?(\d{2})?'?)?")


def pdf_date_iso(value) -> str | None:
    """`D:20250203104725+07'00'` → `2025-02-03T10:47:25+07:00`."""
    if value is None:
        return None
    match = _PDF_DATE.search(str(value))
    if not match:
        return None
    y, mo, d, h, mi, s, sign, oh, om = match.groups()
    text = f"{y}-{mo or '01'}-{d or '01'}T{h or '00'}:{mi or '00'}:{s or '00'}"
    if sign in ("Z", "z"):
        text += "+00:00"
    elif sign:
        text += f"{sign}{oh or '00'}:{om or '00'}"
    return text


def _text(value) -> str | None:
    if value is None:
        return None
    text = squash_spaces(nfc(str(value)))
    return text or None


def _signer(embedded) -> str | None:
    cert = embedded.signer_cert
    if cert is not None:
        try:
            subject = cert.subject.native
            name = subject.get("common_name")
            if isinstance(name, list):
                name = name[0]
            if name:
                return _text(name)
        except Exception:
            pass
    return _text(embedded.sig_object.get("/Name"))


def _intact(embedded) -> bool | None:
    from pyhanko.sign.validation import generic_cms

    try:
        digest = embedded.compute_digest()
    except Exception:
        return None
    try:
        intact, valid = generic_cms.validate_sig_integrity(
            embedded.signer_info, embedded.signer_cert, expected_content_type="data", actual_digest=digest
        )
        return bool(intact and valid)
    except Exception:
        pass
    try:  # e.g. an algorithm the policy refuses: compare the message digest ourselves
        attrs = embedded.signer_info["signed_attrs"]
        for attr in attrs:
            if attr["type"].native == "message_digest":
                return attr["values"][0].native == digest
    except Exception:
        return None
    return None


def has_signature_fields(pypdf_reader) -> bool:
    """Whether the AcroForm of the PDF has a signature field (cheap check before pyHanko parses the file)."""
    try:
        form = pypdf_reader.trailer["/Root"].get("/AcroForm")
        if form is None:
            return False
        stack = list(form.get_object().get("/Fields") or [])
        seen = 0
        while stack and seen < 5000:
            seen += 1
            field = stack.pop().get_object()
            if field.get("/FT") == "/Sig":
                return True
            stack.extend(field.get("/Kids") or [])
    except Exception:
        return True  # unsure: let pyHanko look
    return False


def read_signatures(pypdf_reader, path: Path) -> tuple[list[dict], list[str]]:
    """Every signature field of the PDF, in field order: [{signed_at, signer, reason, intact, field}]."""
    if pypdf_reader is not None and not has_signature_fields(pypdf_reader):
        return [], []
    from pyhanko.pdf_utils.reader import PdfFileReader  # 0.2 s to import: only for PDFs with signature fields

    out: list[dict] = []
    warnings: list[str] = []
    try:
        with open(path, "rb") as handle:
            reader = PdfFileReader(handle, strict=False)
            signatures = list(reader.embedded_signatures)
            for embedded in signatures:
                try:
                    sig = embedded.sig_object
                    signed_at = pdf_date_iso(sig.get("/M"))
                    if signed_at is None and embedded.self_reported_timestamp is not None:
                        signed_at = embedded.self_reported_timestamp.isoformat()
                    out.append(
                        {
                            "signed_at": signed_at,
                            "signer": _signer(embedded),
                            "reason": _text(sig.get("/Reason")),
                            "intact": _intact(embedded),
                            "field": str(embedded.field_name) if embedded.field_name is not None else None,
                        }
                    )
                except Exception:
                    warnings.append("signature_unreadable")
    except Exception:
        warnings.append("signature_unreadable")
    if any(s["intact"] is False for s in out):
        warnings.append("signature_broken")
    return out, warnings
