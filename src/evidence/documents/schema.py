"""The shape of each kind's context: what a template may use. A dict lists keys; a one-item list means "a list of
these"; `ANY` is a value (text or number). Tests check every built context against it; `templates check` uses it.
docs/documents.md describes the same keys in words."""

from __future__ import annotations

ANY = None

_COMMON = {
    "org": {
        "parent": ANY,
        "issuer": ANY,
        "issuer_lines": [ANY],
        "issuer_short": ANY,
        "place": ANY,
        "issuer_name": ANY,
        "standing": ANY,
        "standing_head": ANY,
        "province": ANY,
    },
    "doc": {
        "kind": ANY,
        "number": ANY,
        "symbol": ANY,
        "date": ANY,
        "date_short": ANY,
        "place_date": ANY,
        "subject": ANY,
        "brief": ANY,
        "archive": ANY,
        "draft": ANY,
    },
    "signer": {"authority": ANY, "title": ANY, "lines": [ANY], "name": ANY},
    "recipients": [ANY],
    "campaign": {"id": ANY, "name": ANY, "name_lower": ANY, "year": ANY, "period_start": ANY, "period_end": ANY},
    "refs": {"plan": ANY},
}
_DECISION = {"authority": ANY, "proposer": ANY, "implementers": ANY}
_RANK_ROW = {
    "group": ANY,
    "rank": ANY,
    "code": ANY,
    "name": ANY,
    "self": ANY,
    "appraised": ANY,
    "max": ANY,
    "percent": ANY,
    "band": ANY,
}
_GROUP = {
    "name": ANY,
    "count": ANY,
    "mean": ANY,
    "best": ANY,
    "worst": ANY,
    "rows": [{"rank": ANY, "name": ANY, "appraised": ANY, "max": ANY, "percent": ANY, "band": ANY}],
}
_COUNCIL = {"label": ANY, "short": ANY}
_STATS = {"units": ANY, "mean": ANY, "median": ANY, "max": ANY, "min": ANY, "summary": ANY}
_PERSON = {"name": ANY, "title": ANY, "salutation": ANY, "role": ANY}

SCHEMA: dict[str, dict] = {
    "plan": {
        **_COMMON,
        "legal_bases": [ANY],
        "purposes": [ANY],
        "requirements": [ANY],
        "methods": [ANY],
        "bands_text": ANY,
        "scope": {"unit_count": ANY, "kinds_text": ANY},
        "framework": {
            "name": ANY,
            "field_count": ANY,
            "criterion_count": ANY,
            "max_points": ANY,
            "fields": [{"code": ANY, "title": ANY, "points": ANY}],
        },
        "timetable": [{"no": ANY, "task": ANY, "deadline": ANY, "owner": ANY}],
        "responsibilities": [{"no": ANY, "who": ANY, "tasks": ANY}],
        "units": [{"no": ANY, "code": ANY, "name": ANY, "kind": ANY}],
    },
    "decision": {
        **_COMMON,
        "decision": _DECISION,
        "legal_bases": [ANY],
        "council": {
            **_COUNCIL,
            "tasks": [ANY],
            "standing": [ANY],
            "members": [{"no": ANY, "name": ANY, "salutation": ANY, "title": ANY, "role": ANY, "role_code": ANY}],
        },
    },
    "reminder": {
        **_COMMON,
        "unit": {"code": ANY, "name": ANY},
        "checked_on": ANY,
        "new_deadline": ANY,
        "deadline_note": ANY,
        "council": ANY,
        "items_count": ANY,
        "items": [{"no": ANY, "criterion": ANY, "title": ANY, "problems": ANY}],
    },
    "minutes": {
        **_COMMON,
        "data_code": ANY,
        "council": _COUNCIL,
        "meeting": {"start": ANY, "end": ANY, "date": ANY, "venue": ANY},
        "chair": _PERSON,
        "secretary": _PERSON,
        "attendance": {"present": [ANY], "absent": [ANY], "count": ANY, "quorum": ANY},
        "representatives": [ANY],
        "units": [
            {
                "no": ANY,
                "code": ANY,
                "name": ANY,
                "max": ANY,
                "self": ANY,
                "appraised": ANY,
                "diff": ANY,
                "percent": ANY,
                "band": ANY,
                "summary": ANY,
                "deductions": [ANY],
                "note": ANY,
                "fields": [{"code": ANY, "title": ANY, "max": ANY, "self": ANY, "appraised": ANY, "diff": ANY}],
            }
        ],
        "final": [{"no": ANY, "name": ANY, "self": ANY, "appraised": ANY, "max": ANY, "percent": ANY, "band": ANY}],
        "appendix": {
            "rows": [
                {
                    "no": ANY,
                    "unit": ANY,
                    "code": ANY,
                    "title": ANY,
                    "self": ANY,
                    "appraised": ANY,
                    "reason": ANY,
                    "text": ANY,
                }
            ]
        },
        "objections": [ANY],
        "conclusions": [ANY],
        "copies": ANY,
    },
    "report": {
        **_COMMON,
        "addressee": ANY,
        "conduct": [ANY],
        "overall": [ANY],
        "stats": _STATS,
        "groups": [_GROUP],
        "fields": [{"no": ANY, "title": ANY, "rate": ANY}],
        "ranking": [_RANK_ROW],
        "chart": ANY,
        "bands": [{"name": ANY, "range": ANY, "count": ANY, "units_text": ANY}],
        "most_deducted": [{"no": ANY, "code": ANY, "title": ANY, "units": ANY, "points": ANY}],
        "strengths": [ANY],
        "limitations": [ANY],
        "causes": [ANY],
        "recommendations": [ANY],
        "appendix": {
            "fields": [ANY],
            "legend": ANY,
            "rows": [{"no": ANY, "name": ANY, "fields": [ANY], "total": ANY, "percent": ANY}],
        },
    },
    "submission": {
        **_COMMON,
        "addressee": ANY,
        "grounds": [ANY],
        "stats": _STATS,
        "groups": [_GROUP],
        "proposals": [ANY],
    },
    "announcement": {
        **_COMMON,
        "data_code": ANY,
        "decision": _DECISION,
        "legal_bases": [ANY],
        "stats": _STATS,
        "groups": [_GROUP],
        "ranking": [_RANK_ROW],
    },
    "self-report": {
        **_COMMON,
        "unit": {"code": ANY, "name": ANY},
        "addressee": ANY,
        "plan_citation": ANY,
        "index_name": ANY,
        "facts": ANY,
        "organisation": [ANY],
        "summary": [ANY],
        "scores": [{"code": ANY, "title": ANY, "group": ANY, "max": ANY, "self": ANY, "note": ANY}],
        "total": {"max": ANY, "self": ANY},
        "evidence": [{"code": ANY, "title": ANY, "lines": [ANY]}],
        "difficulties": [ANY],
        "proposals": [ANY],
    },
}


def conforms(value, schema, path: str = "") -> list[str]:
    """Differences between a built context and its schema (for tests): missing and unexpected keys."""
    problems = []
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return [f"{path or 'context'}: expected a mapping"]
        for key in schema:
            if key not in value:
                problems.append(f"{path}{key}: missing")
            else:
                problems.extend(conforms(value[key], schema[key], f"{path}{key}."))
        problems.extend(f"{path}{key}: not in the schema" for key in value if key not in schema)
    elif isinstance(schema, list):
        if not isinstance(value, list):
            return [f"{path.rstrip('.')}: expected a list"]
        for item in value[:3]:
            problems.extend(conforms(item, schema[0], path))
    return problems
