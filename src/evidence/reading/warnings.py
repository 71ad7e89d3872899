"""Vietnamese labels of the reader's warning codes (metadata["warnings"]), for people; the codes stay in the JSON.

Every code a reader can put in the metadata has a label here (a test reads the codes from reading/__init__.py's
docstring and checks). `warning_label` never shows a bare code: an unknown one gets a generic sentence.
"""

from __future__ import annotations

WARNING_LABELS = {
    "extension_mismatch": "đuôi tệp không khớp với nội dung tệp",
    "no_text_layer": "tệp không có lớp chữ (bản quét)",
    "garbage_text_layer": "lớp chữ của tệp bị lỗi, đã bỏ qua",
    "ocr_used": "chữ được nhận dạng từ ảnh quét (OCR), có thể sai dấu hoặc số",
    "ocr_skipped": "chưa nhận dạng chữ từ ảnh quét",
    "ocr_unavailable": "máy chủ chưa cài công cụ nhận dạng chữ (OCR)",
    "ocr_partial": "chỉ nhận dạng chữ một số trang",
    "ocr_failed": "nhận dạng chữ (OCR) không thành công ở một số trang",
    "ocr_second_engine_unavailable": "chỉ một công cụ OCR đọc phần đầu văn bản",
    "ocr_second_engine_failed": "chỉ một công cụ OCR đọc phần đầu văn bản",
    "blank_page": "có trang trắng",
    "pdf_page_unreadable": "có trang PDF không đọc được",
    "doc_conversion_failed": "không chuyển được tệp Word cũ (.doc) để đọc nội dung",
    "signature_unreadable": "không đọc được chữ ký số",
    "signature_broken": "chữ ký số không còn toàn vẹn (tệp đã bị sửa sau khi ký)",
    "number_blank": "số văn bản để trống (bản dự thảo hoặc chưa cấp số)",
    "number_unreadable": "không đọc được số văn bản",
    "type_mismatch": "loại văn bản trong số ký hiệu khác với tên loại ở đầu văn bản",
    "date_blank": "ngày ban hành để trống",
    "date_invalid": "ngày ban hành ghi không hợp lệ",
    "date_repaired": "ngày ban hành đã được sửa lỗi đọc (kiểm tra lại)",
    "date_day_estimated": "ngày ban hành ước tính theo thời điểm ký số (không đọc được ngày)",
    "two_documents": "tệp chứa hơn một văn bản; thông tin lấy theo văn bản đầu tiên",
    "legacy_encoding_tcvn3": "chữ mã TCVN3 cũ đã được chuyển sang Unicode",
    "legacy_encoding_vni": "chữ mã VNI cũ đã được chuyển sang Unicode",
    "text_glyphs_repaired": "đã sửa một số ký tự lỗi phông trong lớp chữ",
    "widget_text_truncated": "tệp vẽ quá nhiều chữ trong ô chữ ký; chỉ giữ lại phần đầu",
    "already_linked": "tệp đã được gắn với tiêu chí này trước đó",
    "pdf_active_content": "tệp PDF có mã chạy (JavaScript, lệnh tự chạy khi mở) — mở thận trọng",
    "pdf_embedded_file": "tệp PDF có tệp đính kèm bên trong — mở thận trọng",
}

SIGNING_TIME_REASON = "lấy theo thời điểm ký số vì không đọc được ngày in trên văn bản"


def warning_label(code: str) -> str:
    return WARNING_LABELS.get(code, "lưu ý khác khi đọc tệp")


def estimated_issue_date(metadata: dict, corrected: bool = False) -> str | None:
    """Why the issue date is an estimate (a Vietnamese phrase), or None when it was printed on the document or a
    person gave it (`corrected`)."""
    if corrected or not metadata.get("issued_on"):
        return None
    warnings = metadata.get("warnings") or []
    if "date_day_estimated" in warnings:
        return "ngày không đọc được, ước tính theo thời điểm ký số"
    if metadata.get("issued_on_estimated") or metadata.get("date_source") == "signature":
        return SIGNING_TIME_REASON
    return None
