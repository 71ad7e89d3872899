"""A unit's dossier (hồ sơ): one zip the council can take away — the originals in one folder per criterion under
readable, portable names, the self-report (.docx, and .pdf when LibreOffice is there), the evidence list (.xlsx),
an index.html that opens offline, and a manifest.json with the SHA-256 of every file.

`build_dossier(store, campaign_id, unit_code, out)` writes one zip; `build_campaign_dossiers(store, campaign_id,
out_dir)` writes one per unit (one LibreOffice run for all the self-reports). Everything is checked before the zip
is opened (evidence present, originals in the store, the size limit), the zip is written to a temporary file
beside `out` and renamed into place, and an original whose bytes no longer match its SHA-256 stops the write: a
half-written or wrong dossier is never left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import __version__
from .. import store as store_package
from ..errors import EvidenceError, InputError, StoreError
from ..round.campaign import Campaign, Unit, load_campaign
from ..round.findings import Finding, check
from ..round.xlsx import Sheet, write_workbook
from ..store import Store
from .context_common import short_date
from .context_results import vn_number
from .dossier_html import IndexFile, index_html
from .dossier_names import UniqueNames, safe_file_name, safe_part
from .evidence_list import CriterionEntry, Document, unit_entries
from .generate import generate
from .pdf import convert_to_pdf, soffice

DOSSIER_MAX_BYTES = 2 * 1024**3  # 2 GB: what a USB stick (FAT32), mail gateways and old unzip tools still take
ORIGINALS = "Tai lieu kiem chung"
STORED_SUFFIXES = {".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png", ".zip", ".gz", ".odt"}  # already compressed
CHUNK = 1024 * 1024
NO_PDF = "Bản PDF của báo cáo tự đánh giá không được yêu cầu khi lập hồ sơ (--no-pdf)."
FORMAT_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "text": ".txt", "image": ".jpg"}


@dataclass
class DossierResult:
    unit: str
    path: str
    bytes: int
    files: int  # entries in the zip
    documents: int  # originals (one per link: a document proving two criteria is in both folders)
    criteria: int  # criterion folders
    self_report_pdf: bool
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class _Plan:
    """What goes into one unit's zip, decided before anything is written."""

    campaign: Campaign
    unit: Unit
    entries: list[CriterionEntry]
    originals: list[tuple[str, Document]]  # (path in the zip, document)
    notes: list[str] = field(default_factory=list)


def _label(doc: Document) -> str:
    name = doc.type_name or ""
    summary = (doc.summary or "").strip()
    if summary and name and not summary.lower().startswith(name.lower()):
        return f"{name} {summary}"
    return summary or name or Path(doc.filename).stem


def original_name(doc: Document) -> tuple[str, str]:
    """(stem, suffix): `1.1.1 - 15-KH-SYT - Ke hoach CCHC` + `.pdf`."""
    parts = [doc.criterion]
    number = (doc.number or "").strip()
    if number and not number.startswith("/"):
        parts.append(number.replace("/", "-"))
    parts.append(_label(doc))
    suffix = Path(doc.filename).suffix.lower() or FORMAT_SUFFIX.get(doc.format or "", "")
    return " - ".join(parts), suffix


def plan_dossier(store: Store, campaign: Campaign, unit_code: str, *, max_bytes: int = DOSSIER_MAX_BYTES) -> _Plan:
    """Check the unit's evidence and name every original; a clear one-line `InputError` when it cannot be done."""
    unit = campaign.unit(unit_code)
    entries = unit_entries(store, campaign, unit)
    documents = [d for e in entries for d in e.documents]
    if not documents:
        raise InputError(
            f"unit {unit.code} has no evidence in campaign '{campaign.id}': there is nothing to put in its dossier"
        )
    missing = [d for d in documents if not store.blobs.exists(d.sha256)]
    if missing:
        d = missing[0]
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(
            f"unit {unit.code}: the original of evidence #{d.evidence_id} «{d.filename}» (criterion {d.criterion}) "
            f"is missing from the store{more}; run `evidence verify` and attach the file again"
        )
    total = sum(d.size for d in documents)
    if total > max_bytes:
        raise InputError(
            f"unit {unit.code}: the dossier would hold {_size(total)} of originals, over the {_size(max_bytes)} limit "
            "of a dossier; split the evidence or share the store instead"
        )
    names = UniqueNames()
    originals: list[tuple[str, Document]] = []
    for entry in entries:
        if not entry.documents:
            continue
        folder = f"{ORIGINALS}/{safe_part(f'{entry.code} - {entry.title}', limit=60)}"
        for doc in entry.documents:
            stem, suffix = original_name(doc)
            originals.append((names.take(folder, safe_file_name(stem, suffix)), doc))
    return _Plan(campaign, unit, entries, originals)


def _size(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.2f} GB".replace(".", ",")
    return f"{n / 1024**2:.1f} MB".replace(".", ",")


def _self_report(store: Store, plan: _Plan, folder: Path, templates: Path | str | None) -> Path:
    name = f"Bao cao tu danh gia - {safe_part(plan.unit.code, limit=30)}.docx"
    [docx] = generate(
        store, plan.campaign.id, "self-report", unit=plan.unit.code, out=folder / name, templates=templates
    )
    return docx


def _convert(docx_files: list[Path]) -> tuple[dict[Path, Path], str | None]:
    """PDFs of the self-reports in one LibreOffice run; (docx → pdf, None) or ({}, why there are none)."""
    if not docx_files:
        return {}, None
    if soffice() is None:
        return (
            {},
            "Máy lập hồ sơ không có LibreOffice (soffice): báo cáo tự đánh giá chỉ có bản Word, không có bản PDF.",
        )
    try:
        return dict(zip(docx_files, convert_to_pdf(docx_files))), None
    except EvidenceError as exc:
        return {}, f"Không tạo được bản PDF của báo cáo tự đánh giá ({exc})."


def evidence_sheet(plan: _Plan, paths: dict[int, str]) -> Sheet:
    """The evidence list as a sheet: one row per linked document, and a row for each criterion without one."""
    sheet = Sheet(
        name="Danh muc TLKC",
        widths=[6, 9, 40, 60, 16, 12, 28, 40, 9, 50, 20],
        freeze="A4",
    )
    sheet.append([(f"DANH MỤC TÀI LIỆU KIỂM CHỨNG - {plan.unit.name.upper()}", "title")])
    sheet.append([(plan.campaign.name, "plain")])
    headers = [
        "STT",
        "Tiêu chí",
        "Nội dung tiêu chí",
        "Tài liệu kiểm chứng",
        "Số, ký hiệu",
        "Ngày ban hành",
        "Cơ quan ban hành",
        "Trích yếu",
        "Trang",
        "Tệp trong hồ sơ",
        "SHA-256",
    ]
    sheet.append([(h, "header") for h in headers])
    n = 0
    for entry in plan.entries:
        if not entry.is_leaf or not entry.applicable:
            continue
        if not entry.documents:
            why = "Đánh giá qua điều tra xã hội học" if entry.survey else "Không có tài liệu kiểm chứng"
            if entry.explanation and not entry.survey:
                why += f". Giải trình: {entry.explanation}"
            sheet.append([("", "cell"), (entry.code, "center"), (entry.title, "wrap"), (why, "wrap")])
            continue
        for doc in entry.documents:
            n += 1
            issued = ""
            if doc.issued_on:
                try:
                    issued = short_date(datetime.fromisoformat(doc.issued_on[:10]).date())
                except ValueError:
                    issued = doc.issued_on
            sheet.append(
                [
                    (n, "center"),
                    (entry.code, "center"),
                    (entry.title, "wrap"),
                    (doc.citation, "wrap"),
                    (doc.number or "", "cell"),
                    (issued, "center"),
                    (doc.issuer or "", "wrap"),
                    (doc.summary or "", "wrap"),
                    (doc.pages or "", "center"),
                    (paths.get(doc.link_id, ""), "wrap"),
                    (doc.sha256, "cell"),
                ]
            )
    return sheet


def _summary(plan: _Plan) -> list[str]:
    own = [e for e in plan.entries if e.is_leaf and e.applicable and not e.survey]
    total = sum(e.self_score or 0 for e in own)
    maximum = sum(e.max_points for e in own)
    appraised = [e.appraised_score for e in own if e.appraised_score is not None]
    lines = [f"Tổng điểm tự đánh giá: {vn_number(total)}/{vn_number(maximum)} điểm."]
    if appraised:
        lines.append(
            f"Điểm thẩm định ({len(appraised)}/{len(own)} tiêu chí đã thẩm định): {vn_number(sum(appraised))}."
        )
    documents = {d.evidence_id for _, d in plan.originals}
    lines.append(f"{len(documents)} tài liệu kiểm chứng, {len(plan.originals)} tệp theo tiêu chí.")
    return lines


def _chain_head(store: Store) -> str | None:
    """The audit chain head when the store keeps a hash-chained history (`store.chain_head`), else None."""
    chain_head = getattr(store_package, "chain_head", None)
    if chain_head is None:
        return None
    head = chain_head(store)
    return head if isinstance(head, str) or head is None else json.loads(json.dumps(head, default=str))


def _write_zip(
    store: Store,
    plan: _Plan,
    out: Path,
    generated: list[tuple[str, Path, str]],
    findings: list[Finding],
    max_bytes: int,
) -> DossierResult:
    """Write the zip to a temporary file beside `out`, then rename it into place."""
    files_by_link = {doc.link_id: path for path, doc in plan.originals}
    documents_for_index = [IndexFile(path, label) for path, _, label in generated]
    documents_for_index.append(IndexFile("manifest.json", "Bảng kê tệp và mã SHA-256 (manifest.json)"))
    html = index_html(
        title=f"Hồ sơ tự đánh giá - {plan.unit.name}",
        unit_name=plan.unit.name,
        campaign_name=plan.campaign.name,
        period=f"{short_date(plan.campaign.period_start)} - {short_date(plan.campaign.period_end)}",
        created=datetime.now().astimezone().strftime("%H:%M ngày %d/%m/%Y"),
        summary=_summary(plan),
        documents=documents_for_index,
        entries=plan.entries,
        files_by_link=files_by_link,
        findings=findings,
        notes=plan.notes,
    ).encode("utf-8")
    expected = sum(d.size for _, d in plan.originals) + sum(p.stat().st_size for _, p, _ in generated) + len(html)
    if expected > max_bytes:
        raise InputError(
            f"unit {plan.unit.code}: the dossier would be {_size(expected)}, over the {_size(max_bytes)} limit"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    manifest_files: list[dict] = []
    has_pdf = any(p.endswith(".pdf") for p, _, _ in generated)
    try:
        with zipfile.ZipFile(tmp_name, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            manifest_files.append(_put_bytes(archive, "index.html", html, "index"))
            for path, source, _ in generated:
                kind = "evidence-list" if source.suffix == ".xlsx" else "self-report"
                manifest_files.append(_put_file(archive, path, source, kind))
            for path, doc in plan.originals:
                manifest_files.append(_put_original(store, archive, path, doc))
            manifest = {
                "format": "evidence-dossier",
                "version": 1,
                "generator": f"evidence {__version__}",
                "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "campaign": {"id": plan.campaign.id, "name": plan.campaign.name},
                "unit": {"code": plan.unit.code, "name": plan.unit.name},
                "self_report_pdf": has_pdf,
                "notes": plan.notes,
                "audit_chain_head": _chain_head(store),
                "files": manifest_files,
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        with open(tmp_name, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)  # mkstemp made it private; the dossier is meant to be handed on
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return DossierResult(
        unit=plan.unit.code,
        path=str(out),
        bytes=out.stat().st_size,
        files=len(manifest_files) + 1,
        documents=len(plan.originals),
        criteria=len({doc.criterion for _, doc in plan.originals}),
        self_report_pdf=has_pdf,
        notes=list(plan.notes),
    )


def _compression(path: str) -> int:
    return zipfile.ZIP_STORED if Path(path).suffix.lower() in STORED_SUFFIXES else zipfile.ZIP_DEFLATED


def _put_bytes(archive: zipfile.ZipFile, path: str, data: bytes, kind: str) -> dict:
    archive.writestr(path, data, compress_type=_compression(path))
    return {"path": path, "kind": kind, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _put_file(archive: zipfile.ZipFile, path: str, source: Path, kind: str) -> dict:
    return _put_bytes(archive, path, source.read_bytes(), kind)


def _put_original(store: Store, archive: zipfile.ZipFile, path: str, doc: Document) -> dict:
    """Copy an original from the store, hashing as it goes: bytes that no longer match their SHA-256 stop the
    dossier (the zip being written is discarded)."""
    digest = hashlib.sha256()
    size = 0
    info = zipfile.ZipInfo(path, date_time=datetime.now().timetuple()[:6])
    info.compress_type = _compression(path)
    info.external_attr = 0o644 << 16
    try:
        with open(store.blobs.path(doc.sha256), "rb") as source, archive.open(info, "w", force_zip64=True) as target:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                target.write(chunk)
    except FileNotFoundError:
        raise InputError(
            f"the original of evidence #{doc.evidence_id} «{doc.filename}» is missing from the store; "
            "run `evidence verify`"
        ) from None
    if digest.hexdigest() != doc.sha256:
        raise StoreError(
            f"the original of evidence #{doc.evidence_id} «{doc.filename}» does not match its SHA-256 (damaged in "
            "the store); run `evidence verify`"
        )
    return {
        "path": path,
        "kind": "original",
        "bytes": size,
        "sha256": doc.sha256,
        "evidence_id": doc.evidence_id,
        "criterion": doc.criterion,
        "original_name": doc.filename,
        "pages": doc.pages,
    }


def _generated(store: Store, plan: _Plan, work: Path, docx: Path, pdf: Path | None) -> list[tuple[str, Path, str]]:
    """(path in the zip, file, label) of the documents the system writes for the dossier."""
    files = [(docx.name, docx, "Báo cáo tự đánh giá, chấm điểm (Word)")]
    if pdf is not None:
        files.append((pdf.name, pdf, "Báo cáo tự đánh giá, chấm điểm (PDF)"))
    xlsx = work / f"Danh muc tai lieu kiem chung - {safe_part(plan.unit.code, limit=30)}.xlsx"
    write_workbook(xlsx, [evidence_sheet(plan, {doc.link_id: path for path, doc in plan.originals})])
    files.append((xlsx.name, xlsx, "Danh mục tài liệu kiểm chứng (Excel)"))
    return files


def write_dossier(
    store: Store,
    campaign_id: str,
    unit_code: str,
    out: Path | str,
    *,
    pdf: bool = True,
    templates: Path | str | None = None,
    max_bytes: int = DOSSIER_MAX_BYTES,
) -> DossierResult:
    """One unit's dossier with what was written (`build_dossier` returns just the path)."""
    out = _zip_path(out)
    campaign = load_campaign(store, campaign_id)
    plan = plan_dossier(store, campaign, unit_code, max_bytes=max_bytes)
    with tempfile.TemporaryDirectory(prefix="evidence-dossier-") as tmp:
        work = Path(tmp)
        docx = _self_report(store, plan, work, templates)
        pdfs, why = _convert([docx]) if pdf else ({}, NO_PDF)
        if why:
            plan.notes.append(why)
        generated = _generated(store, plan, work, docx, pdfs.get(docx))
        return _write_zip(store, plan, out, generated, check(store, campaign.id, plan.unit.code), max_bytes)


def build_dossier(store: Store, campaign_id: str, unit_code: str, out: Path) -> Path:
    """Write the unit's dossier zip to `out` (atomically) and return its path."""
    return Path(write_dossier(store, campaign_id, unit_code, out).path)


def _zip_path(out: Path | str) -> Path:
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise InputError("the dossier is a .zip file: give --out FILE.zip", path=out)
    if out.is_dir():
        raise InputError("is a folder; give a .zip file name", path=out)
    return out


def dossier_name(campaign: Campaign, unit: Unit) -> str:
    return safe_file_name(f"Ho so {campaign.id} - {unit.code}", ".zip")


def build_campaign_dossiers(
    store: Store,
    campaign_id: str,
    out_dir: Path | str,
    *,
    pdf: bool = True,
    templates: Path | str | None = None,
    max_bytes: int = DOSSIER_MAX_BYTES,
) -> tuple[list[DossierResult], list[dict]]:
    """One zip per unit in `out_dir`; a unit that cannot have one (no evidence, a missing original …) is reported
    in the second list as `{unit, error}` and the others are still written. All self-reports go through one
    LibreOffice run."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("is a file; --all writes one zip per unit into a folder", path=out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    campaign = load_campaign(store, campaign_id)
    results: list[DossierResult] = []
    errors: list[dict] = []
    plans: list[_Plan] = []
    for unit in campaign.units:
        try:
            plans.append(plan_dossier(store, campaign, unit.code, max_bytes=max_bytes))
        except EvidenceError as exc:
            errors.append({"unit": unit.code, "error": str(exc)})
    findings = check(store, campaign.id)
    with tempfile.TemporaryDirectory(prefix="evidence-dossiers-") as tmp:
        work = Path(tmp)
        reports: dict[str, Path] = {}
        for plan in plans:
            folder = work / plan.unit.code
            folder.mkdir()
            reports[plan.unit.code] = _self_report(store, plan, folder, templates)
        pdfs, why = _convert(list(reports.values())) if pdf else ({}, NO_PDF)
        for plan in plans:
            if why:
                plan.notes.append(why)
            docx = reports[plan.unit.code]
            try:
                generated = _generated(store, plan, docx.parent, docx, pdfs.get(docx))
                own = [f for f in findings if f.unit == plan.unit.code]
                target = out_dir / dossier_name(campaign, plan.unit)
                results.append(_write_zip(store, plan, target, generated, own, max_bytes))
            except EvidenceError as exc:
                errors.append({"unit": plan.unit.code, "error": str(exc)})
    order = {u.code: i for i, u in enumerate(campaign.units)}
    errors.sort(key=lambda e: order.get(e["unit"], 0))
    return results, errors
