"""Active or embedded content in a PDF: JavaScript, an action run on opening (/OpenAction, /AA), a /Launch of
another program, embedded files. Evidence never needs any of it; a council member opening such a file should be
warned. Looked for in the document's structure (catalog, name trees, pages, annotations), bounded in effort.

Warning codes: `pdf_active_content` (JavaScript, OpenAction, additional actions, Launch) and
`pdf_embedded_file` (embedded or attached files).
"""

from __future__ import annotations

ACTIVE = "pdf_active_content"
EMBEDDED = "pdf_embedded_file"
MAX_NODES = 20_000  # objects visited at most (a hostile file must not make this slow)
_ACTION_KEYS = ("/JS", "/JavaScript", "/Launch")


def active_content(reader) -> list[str]:
    """The warning codes for a pypdf reader's document (empty when it holds nothing active)."""
    found: set[str] = set()
    try:
        root = reader.trailer["/Root"].get_object()
    except Exception:  # a broken catalog: the text reader reports it
        return []
    budget = [MAX_NODES]
    try:
        if "/OpenAction" in root and _is_action(root["/OpenAction"], budget):
            found.add(ACTIVE)
        if "/AA" in root:
            found.add(ACTIVE)
        names = _get(root, "/Names")
        if names is not None:
            if "/JavaScript" in names:
                found.add(ACTIVE)
            if "/EmbeddedFiles" in names:
                found.add(EMBEDDED)
        for page in reader.pages:
            if budget[0] <= 0:
                break
            budget[0] -= 1
            if "/AA" in page:
                found.add(ACTIVE)
            annots = _get(page, "/Annots")
            for annot in annots or []:
                budget[0] -= 1
                if budget[0] <= 0:
                    break
                annot = annot.get_object()
                subtype = annot.get("/Subtype")
                if subtype == "/FileAttachment":
                    found.add(EMBEDDED)
                if "/AA" in annot or ("/A" in annot and _is_action(annot["/A"], budget)):
                    found.add(ACTIVE)
    except RecursionError:
        found.add(ACTIVE)  # action chains nested without end: treat as hostile
    except Exception:  # noqa: BLE001 - a damaged object must not stop the reading; what was found stands
        pass
    return sorted(found)


def _get(obj, key):
    try:
        value = obj.get(key)
        return value.get_object() if value is not None else None
    except Exception:  # noqa: BLE001
        return None


def _is_action(value, budget: list[int]) -> bool:
    """An action that runs something: JavaScript, Launch (also in the /Next chain). GoTo (a jump) is harmless."""
    seen = 0
    stack = [value]
    while stack and seen < 50 and budget[0] > 0:
        seen += 1
        budget[0] -= 1
        item = stack.pop()
        try:
            item = item.get_object()
        except Exception:  # noqa: BLE001
            continue
        if isinstance(item, list):
            continue  # an explicit destination (page, view): not an action
        if not hasattr(item, "get"):
            continue
        if item.get("/S") in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm") or any(
            k in item for k in _ACTION_KEYS
        ):
            return True
        nxt = item.get("/Next")
        if nxt is not None:
            stack.extend(nxt if isinstance(nxt, list) else [nxt])
    return False
