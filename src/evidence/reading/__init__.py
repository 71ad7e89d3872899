"""Reading evidence files: text per page (text layer or OCR), PDF signatures and header metadata.

    from evidence.reading import read_document, read_many, ReadError

read_document(path, *, ocr=True, filename=None) -> Reading
    One file, in this process. Raises ReadError (one line naming the file and the reason) for unreadable input.
    Reading.metadata has exactly METADATA_KEYS; Reading.page_texts is the NFC text of each page (OCR text where
    the page had no usable text layer); Reading.text joins them with form feeds. Reading.seconds and
    Reading.ocr_seconds / Reading.ocr_pages time the read.

read_many(paths, *, ocr=True, jobs=None, timeout=config.READ_TIMEOUT_SECONDS) -> Iterator[(Path, Reading | ReadError)]
    Every file in its own forked process, `jobs` at once (default: every core), each killed after `timeout`
    seconds ("timed out after N s"). Yields in COMPLETION order; never raises for a bad file. The OCR of one file
    uses the cores left over (a single file gets both cores of a two-core machine).

Per field, metadata["sources"] says where the value came from (text, ocr-tesseract, ocr-rapid, ocr-both,
signature, body), metadata["confidence"] how sure it is (0–1), metadata["candidates"] what each OCR engine read
when two were compared, and metadata["issued_on_estimated"] is true when the issue date is the signing day
(no printed date could be read): shown as "ước tính".

Pipeline: sniff.py (real type) → pdf.py + widgets.py / docx.py / doc.py / image.py / plaintext.py (text layer) →
quality.py (usable or not) → ocr.py (Tesseract on the other pages) → signatures.py (pyHanko) → header.py
(metadata). Warning codes put in metadata["warnings"]: extension_mismatch, no_text_layer, garbage_text_layer,
ocr_used, ocr_skipped, ocr_unavailable, ocr_partial, ocr_failed, blank_page, pdf_page_unreadable,
doc_conversion_failed, signature_unreadable, signature_broken, number_blank, number_unreadable, type_mismatch,
date_blank, date_invalid, date_repaired, date_day_estimated, two_documents (a second header further on),
legacy_encoding_tcvn3 / legacy_encoding_vni (text converted), text_glyphs_repaired (ƣ → ư …),
ocr_second_engine_unavailable / ocr_second_engine_failed (header zones read by Tesseract alone),
widget_text_truncated (widgets drawing more text than a stamp), pdf_active_content (JavaScript, an action
run on opening, a Launch), pdf_embedded_file (embedded or attached files).
"""

from ..errors import ReadError
from .model import METADATA_KEYS, Reading, empty_metadata
from .reader import read_document
from .worker import read_many

__all__ = ["METADATA_KEYS", "ReadError", "Reading", "empty_metadata", "read_document", "read_many"]
