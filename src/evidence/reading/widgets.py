"""Page text with the text of widget appearance streams merged in place (see pdf.py).

The page text comes from pypdf as usual. A short widget text (a number, a day) is inserted into the page text
at the place it is drawn: on the piece of page text with the same baseline, at the character its x falls on,
snapped to the blank left for it. Longer widget texts (signature stamps) and texts that land on no line are added
after the page text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_WIDGETS = 200
MAX_INSERTS = 40  # short widget texts put in place per page (an e-office draws a number and a day)
MAX_WIDGET_TEXT = 4000  # characters of widget text kept per page: stamps are short; thousands of glyphs are not


@dataclass
class Piece:
    x: float
    y: float
    text: str
    size: float


def _mult(m, n):
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def _pieces(page) -> list[Piece]:
    out: list[Piece] = []

    def visitor(text, cm, tm, font, size):
        if text and text.strip():
            m = _mult(tm, cm)
            scale = abs(m[3]) or abs(m[0]) or 1.0
            out.append(Piece(m[4], m[5], text, (size or 10) * (scale if size and size < 2 else 1)))

    page.extract_text(visitor_text=visitor)
    return out


def widget_pieces(page) -> list[Piece]:
    """Text drawn by the normal appearances of the page's widget annotations, in page coordinates."""
    from pypdf import PageObject
    from pypdf.generic import NameObject, StreamObject

    annots = page.get("/Annots")
    if annots is None:
        return []
    try:
        annots = annots.get_object()
    except Exception:
        return []
    out: list[Piece] = []
    for ref in list(annots)[:MAX_WIDGETS]:
        try:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Widget" or "/AP" not in annot:
                continue
            normal = annot["/AP"].get_object().get("/N")
            normal = normal.get_object() if normal is not None else None
            if not isinstance(normal, StreamObject):
                continue
            rect = [float(v) for v in annot["/Rect"]]
            bbox = [float(v) for v in normal.get("/BBox", rect)]
            fake = PageObject(pdf=page.pdf)
            fake[NameObject("/Resources")] = normal.get("/Resources") or page.get("/Resources") or {}
            fake[NameObject("/MediaBox")] = normal.get("/BBox") or annot["/Rect"]
            fake[NameObject("/Contents")] = normal.indirect_reference or normal
            pieces = _pieces(fake)
        except Exception:
            continue
        x0, y0 = min(rect[0], rect[2]), min(rect[1], rect[3])
        bw, bh = (bbox[2] - bbox[0]) or 1.0, (bbox[3] - bbox[1]) or 1.0
        sx, sy = abs(rect[2] - rect[0]) / abs(bw), abs(rect[3] - rect[1]) / abs(bh)
        for piece in pieces:
            out.append(Piece(x0 + (piece.x - bbox[0]) * sx, y0 + (piece.y - bbox[1]) * sy, piece.text, piece.size * sy))
    return out


def _locate(base: str, text: str) -> re.Match | None:
    tokens = text.split()
    if not tokens:
        return None
    return re.search(r"\s*".join(re.escape(t) for t in tokens), base)


def _insertion(base: str, pieces: list[Piece], widget: Piece) -> int | None:
    """Where in `base` the widget's text belongs: inside the page text piece drawn on the same baseline at its x."""
    row = sorted((p for p in pieces if abs(p.y - widget.y) <= 0.5 * max(p.size, widget.size)), key=lambda p: p.x)
    if not row:
        return None
    hosts = [i for i, p in enumerate(row) if p.x <= widget.x + 1]
    if not hosts:
        match = _locate(base, row[0].text)
        return match.start() if match else None
    i = hosts[-1]
    host = row[i]
    match = _locate(base, host.text)
    if match is None:
        return None
    following = row[i + 1] if i + 1 < len(row) else None
    advance = 0.5 * host.size  # an average character of a serif font
    if following and following.x > host.x:
        advance = min(advance, (following.x - host.x) / max(len(host.text), 1))
    k = max(0, min(len(host.text), round((widget.x - host.x) / max(advance, 0.5))))
    # snap to the nearest blank run (the gap left for the number or the day)
    blanks = [m.span() for m in re.finditer(r"\s{2,}", host.text)]
    near = [b for b in blanks if b[0] - 3 <= k <= b[1] + 3]
    if near:
        k = min(near, key=lambda b: abs((b[0] + b[1]) / 2 - k))[0] + 1
    k = _word_boundary(host.text, k)
    solid = len(host.text[:k].replace(" ", "").replace("\t", "").replace("\n", ""))
    position, seen = match.start(), 0
    while position < match.end() and seen < solid:
        if not base[position].isspace():
            seen += 1
        position += 1
    return position


def _word_boundary(text: str, k: int) -> int:
    """Never split a word: move k to the nearest word boundary (forward on a tie)."""
    if k <= 0 or k >= len(text) or text[k - 1].isspace() or text[k].isspace():
        return k
    back, forward = k, k
    while back > 0 and not text[back - 1].isspace():
        back -= 1
    while forward < len(text) and not text[forward].isspace():
        forward += 1
    return forward if forward - k <= k - back else back


def page_text_with_widgets(page) -> tuple[str, list[str]]:
    """(page text with short widget texts inserted, the other widget texts: stamps drawn apart)."""
    base = page.extract_text() or ""
    widgets = [w for w in widget_pieces(page) if w.text.strip()]
    if not widgets:
        return base, []
    pieces = _pieces(page) if base.strip() else []
    inserts: list[tuple[int, str]] = []
    extra: list[str] = []
    for widget in widgets:
        text = " ".join(widget.text.split())
        short = len(text) <= 30 and pieces and len(inserts) < MAX_INSERTS
        position = _insertion(base, pieces, widget) if short else None
        if position is None:
            extra.append(text)
        else:
            inserts.append((position, text))
    for position, text in sorted(inserts, reverse=True):
        base = f"{base[:position].rstrip(' ')} {text} {base[position:].lstrip(' ')}"
    return base, cap_extras(extra)


def cap_extras(extra: list[str]) -> list[str]:
    """Widget texts drawn apart, cut at MAX_WIDGET_TEXT characters in all (a widget drawing thousands of glyphs
    would otherwise flood the page text and the search index); a cut list ends with an empty string."""
    kept, total = [], 0
    for text in extra:
        if total + len(text) > MAX_WIDGET_TEXT:
            kept.append(text[: max(0, MAX_WIDGET_TEXT - total)])
            kept.append("")
            return [t for t in kept[:-1] if t] + [""]
        kept.append(text)
        total += len(text)
    return kept
