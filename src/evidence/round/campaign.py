"""Campaigns: one assessment round of a framework over a set of units, with its period, deadlines, issuing
organisation, council and bands. Created from a YAML file (see interface.md), stored in the database."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from ..errors import InputError, NotFound
from ..frameworks.model import Criterion, Framework, load_framework
from .. import config
from ..store import Store, chain, dumps, now_iso
from ..suggest import did_you_mean
from ..vn.text import nfc, squash_spaces
from ..yamlfile import load_yaml_file

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
UNIT_CODE_PATTERN = re.compile(r"^[A-Za-z0-9ĐđÀ-ỹ][A-Za-z0-9ĐđÀ-ỹ_.&-]{0,31}$")
COUNCIL_ROLES = ("chair", "deputy", "member", "secretary")
# Local government has two levels since 1 July 2025: provinces, and under them communes, wards and special zones
# (xã, phường, đặc khu — kind "commune"). "district" (huyện) is accepted only to read rounds of 2025 and before.
UNIT_KINDS = ("department", "commune")
PAST_UNIT_KINDS = ("district",)
LAST_YEAR_WITH_DISTRICTS = 2025
# The ranking groups a campaign gets when it names none: one per unit kind present, in this order.
DEFAULT_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("so-nganh", "Khối sở, ban, ngành", ("department",)),
    ("xa-phuong", "Khối xã, phường, đặc khu", ("commune",)),
    ("huyen", "Khối huyện, thị xã, thành phố", ("district",)),
)
OTHER_GROUP = ("khac", "Đơn vị khác")  # units without a kind, when the campaign names no groups
MAX_YAML_BYTES = 2 * 1024 * 1024


@dataclass
class Unit:
    code: str
    name: str
    kind: str | None = None  # department | commune (xã, phường, đặc khu); district only in past rounds
    not_applicable: list[str] = field(default_factory=list)
    head_title: str = ""  # e.g. "Giám đốc", "Chủ tịch UBND" (kept for addressing the unit)
    head_name: str = ""
    symbol: str = ""  # the unit's own symbol in document numbers, e.g. "SYT", "UBND"
    place: str = ""  # the unit's place name for its documents' date line


@dataclass
class RankingGroup:
    """A group of units ranked together (khối sở, ban, ngành; khối xã, phường, đặc khu …)."""

    code: str
    name: str
    kinds: list[str]
    framework: str | None = None  # the group's own framework id; None: the campaign's

    def to_json(self) -> dict:
        return {"code": self.code, "name": self.name, "kinds": list(self.kinds), "framework": self.framework}


@dataclass
class Signer:
    authority: str = ""
    title: str = ""
    name: str = ""


@dataclass
class Organization:
    issuer: str
    issuer_short: str = ""
    parent: str = ""
    place: str = ""
    signer: Signer = field(default_factory=Signer)


@dataclass
class CouncilMember:
    name: str
    title: str = ""
    role: str = "member"


@dataclass
class Band:
    name: str
    min: float


@dataclass
class Campaign:
    id: str
    name: str
    framework_id: str
    year: int
    period_start: date
    period_end: date
    deadlines: dict[str, date]
    organization: Organization
    units: list[Unit]
    council: list[CouncilMember]
    bands: list[Band]
    config: dict
    groups: list[RankingGroup] = field(default_factory=list)
    created_at: str = ""
    store: Store | None = field(default=None, repr=False, compare=False)
    _excluded: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _frameworks: dict[str, Framework] = field(default_factory=dict, repr=False, compare=False)
    _codes: dict[str, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)
    _units_by_code: dict[str, Unit] = field(default_factory=dict, repr=False, compare=False)

    @cached_property
    def framework(self) -> Framework:
        """The campaign's framework (a group may name its own: see `framework_for`)."""
        if self.store is None:
            raise NotFound(f"campaign '{self.id}' is not attached to a store")
        return load_framework(self.store, self.framework_id)

    def group_of(self, unit_code: str) -> RankingGroup:
        """The ranking group of a unit (by its kind)."""
        unit = self._unit_index().get(unit_code) or self.unit(unit_code)
        for group in self.groups:
            if unit.kind in group.kinds:
                return group
        for group in self.groups:
            if unit.kind is None and group.code == OTHER_GROUP[0]:
                return group
        raise NotFound(f"unit '{unit_code}' (kind {unit.kind}) is in no ranking group of campaign '{self.id}'")

    def _unit_index(self) -> dict[str, Unit]:
        if len(self._units_by_code) != len(self.units):
            self._units_by_code.clear()
            self._units_by_code.update({u.code: u for u in self.units})
        return self._units_by_code

    def group(self, code: str) -> RankingGroup:
        for group in self.groups:
            if group.code == code:
                return group
        raise NotFound(
            f"unknown group '{code}' in campaign '{self.id}'; " + did_you_mean(code, [g.code for g in self.groups])
        )

    def units_of(self, group_code: str) -> list[Unit]:
        """The units of a group, in campaign order."""
        return [u for u in self.units if self.group_of(u.code).code == group_code]

    def framework_for(self, unit: Unit | str) -> Framework:
        """The framework a unit is scored on: its group's, else the campaign's."""
        code = unit if isinstance(unit, str) else unit.code
        framework_id = self.group_of(code).framework or self.framework_id
        if framework_id == self.framework_id:
            return self.framework
        if framework_id not in self._frameworks:
            if self.store is None:
                raise NotFound(f"campaign '{self.id}' is not attached to a store")
            self._frameworks[framework_id] = load_framework(self.store, framework_id)
        return self._frameworks[framework_id]

    def frameworks(self) -> list[Framework]:
        """Every framework the campaign's units are scored on, the campaign's first."""
        out = [self.framework]
        for group in self.groups:
            if group.framework and group.framework != self.framework_id:
                units = self.units_of(group.code)
                if units:
                    fw = self.framework_for(units[0])
                    if all(fw is not f for f in out):
                        out.append(fw)
        return out

    def unit(self, code: str) -> Unit:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise NotFound(
            f"unknown unit '{code}' in campaign '{self.id}'; " + did_you_mean(code, [u.code for u in self.units])
        )

    def criterion(self, code: str, unit: Unit | str | None = None) -> Criterion:
        """A criterion of the unit's framework (of the campaign's framework when no unit is given)."""
        framework = self.framework_for(unit) if unit is not None else self.framework
        index = framework.by_code
        if code not in index:
            raise NotFound(
                f"unknown criterion '{code}' in framework '{framework.id}'; " + did_you_mean(code, list(index))
            )
        return index[code]

    def not_applicable_codes(self, unit: Unit) -> frozenset[str]:
        """Every code not applicable to the unit: those listed (with their sub-criteria) and those whose
        `applies_to` excludes the unit's kind."""
        if unit.code in self._excluded:
            return self._excluded[unit.code]
        framework = self.framework_for(unit)
        excluded: set[str] = set()
        for code in unit.not_applicable:
            if code in framework.by_code:
                excluded.update(c.code for c in framework.descendants(code))
        for criterion in framework.walk():
            if not criterion.applies_to_kind(unit.kind):
                excluded.update(c.code for c in framework.descendants(criterion.code))
        self._excluded[unit.code] = frozenset(excluded)
        return self._excluded[unit.code]

    def is_applicable(self, unit: Unit, code: str) -> bool:
        framework = self.framework_for(unit)
        codes = self._codes.get(framework.id)
        if codes is None:  # by_code walks the tree: once per framework, not once per call
            codes = self._codes[framework.id] = frozenset(framework.by_code)
        return code in codes and code not in self.not_applicable_codes(unit)

    def applicable_leaves(self, unit: Unit) -> list[Criterion]:
        excluded = self.not_applicable_codes(unit)
        return [c for c in self.framework_for(unit).leaves() if c.code not in excluded]

    def self_scored_leaves(self, unit: Unit) -> list[Criterion]:
        """The applicable leaves the unit scores itself (survey criteria left out)."""
        return [c for c in self.applicable_leaves(unit) if not c.is_survey]

    def deadline(self, name: str) -> date | None:
        return self.deadlines.get(name)

    def band_for(self, percent: float) -> str | None:
        for band in self.bands:  # highest first
            if percent >= band.min:
                return band.name
        return None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "framework": self.framework_id,
            "year": self.year,
            "period": {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()},
            "deadlines": {k: v.isoformat() for k, v in self.deadlines.items()},
            "organization": {
                "parent": self.organization.parent,
                "issuer": self.organization.issuer,
                "issuer_short": self.organization.issuer_short,
                "place": self.organization.place,
                "signer": vars(self.organization.signer).copy(),
            },
            "units": [
                {
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind,
                    "group": self.group_of(u.code).code,
                    "not_applicable": u.not_applicable,
                    "head_title": u.head_title,
                    "head_name": u.head_name,
                    "symbol": u.symbol,
                    "place": u.place,
                }
                for u in self.units
            ],
            "groups": [g.to_json() for g in self.groups],
            "council": [vars(m).copy() for m in self.council],
            "bands": [{"name": b.name, "min": b.min} for b in self.bands],
            "created_at": self.created_at,
        }


# ---------------------------------------------------------------- parsing and validation


class _Problems:
    def __init__(self, path: Path):
        self.path = path
        self.items: list[str] = []

    def add(self, where: str, reason: str) -> None:
        self.items.append(f"{where}: {reason}")

    def raise_if_any(self) -> None:
        if self.items:
            more = (
                f" (and {len(self.items) - 1} more: " + "; ".join(self.items[1:6]) + ")" if len(self.items) > 1 else ""
            )
            raise InputError(self.items[0] + more, path=self.path)


def _text(value, default: str = "") -> str:
    if value is None:
        return default
    return squash_spaces(nfc(str(value)))


def _date(value, where: str, problems: _Problems) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    problems.add(where, f"'{text}' is not a date (use YYYY-MM-DD)" if text else "missing date")
    return None


def read_campaign_yaml(path: Path) -> dict:
    data = load_yaml_file(path, max_bytes=MAX_YAML_BYTES, what="campaign file")
    if not isinstance(data, dict):
        raise InputError("a campaign file must be a YAML mapping (id, name, framework, …)", path=path)
    return data


def parse_campaign(data: dict, path: Path, framework: Framework | None, *, stored: bool = False) -> Campaign:
    """Validate a campaign mapping; every problem is collected and reported with its key. `stored`: a campaign read
    back from the store, created under earlier rules (unit kinds are not checked again)."""
    problems = _Problems(path)
    cid = _text(data.get("id"))
    if not ID_PATTERN.match(cid):
        problems.add("id", "missing or invalid (letters, digits, '-', '_', '.'; up to 64)")
    name = _text(data.get("name"))
    if not name:
        problems.add("name", "missing")
    framework_id = _text(data.get("framework"))
    if not framework_id:
        problems.add("framework", "missing")
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.add("year", f"'{year}' is not a year")
        year = 0

    period = data.get("period") or {}
    if not isinstance(period, dict):
        problems.add("period", "expected {start: …, end: …}")
        period = {}
    start = _date(period.get("start"), "period.start", problems)
    end = _date(period.get("end"), "period.end", problems)
    if start and end and start > end:
        problems.add("period", "start is after end")

    deadlines: dict[str, date] = {}
    raw_deadlines = data.get("deadlines") or {}
    if not isinstance(raw_deadlines, dict):
        problems.add("deadlines", "expected a mapping name: date")
        raw_deadlines = {}
    for key, value in raw_deadlines.items():
        parsed = _date(value, f"deadlines.{key}", problems)
        if parsed:
            deadlines[str(key)] = parsed

    org_raw = data.get("organization") or {}
    if not isinstance(org_raw, dict) or not _text(org_raw.get("issuer")):
        problems.add("organization.issuer", "missing (who issues the generated documents)")
        org_raw = org_raw if isinstance(org_raw, dict) else {}
    signer_raw = org_raw.get("signer") or {}
    if not isinstance(signer_raw, dict):
        problems.add("organization.signer", "expected {authority, title, name}")
        signer_raw = {}
    organization = Organization(
        issuer=_text(org_raw.get("issuer")),
        issuer_short=_text(org_raw.get("issuer_short")),
        parent=_text(org_raw.get("parent")),
        place=_text(org_raw.get("place")),
        signer=Signer(
            authority=_text(signer_raw.get("authority")),
            title=_text(signer_raw.get("title")),
            name=_text(signer_raw.get("name")),
        ),
    )

    known_codes = framework.by_code if framework else {}
    units: list[Unit] = []
    seen: set[str] = set()
    raw_units = data.get("units")
    if not isinstance(raw_units, list) or not raw_units:
        problems.add("units", "missing: list at least one unit {code, name, kind}")
        raw_units = []
    for i, item in enumerate(raw_units, start=1):
        where = f"units[{i}]"
        if not isinstance(item, dict):
            problems.add(where, "expected {code, name, kind}")
            continue
        code = _text(item.get("code"))
        if not UNIT_CODE_PATTERN.match(code):
            problems.add(where, f"invalid unit code '{code}'")
            continue
        if code in seen:
            problems.add(where, f"duplicate unit code '{code}'")
        seen.add(code)
        if not _text(item.get("name")):
            problems.add(where, f"unit '{code}' has no name")
        not_applicable = item.get("not_applicable") or []
        if not isinstance(not_applicable, list):
            problems.add(where, "not_applicable must be a list of criterion codes")
            not_applicable = []
        not_applicable = [_text(c) for c in not_applicable]
        for code_na in not_applicable:
            if known_codes and code_na not in known_codes:
                problems.add(
                    where, f"not_applicable: unknown criterion '{code_na}'; " + did_you_mean(code_na, list(known_codes))
                )
        kind = _text(item.get("kind")).lower() or None
        if stored:
            pass
        elif kind in PAST_UNIT_KINDS and isinstance(year, int) and year > LAST_YEAR_WITH_DISTRICTS:
            problems.add(
                where,
                f"unit '{code}': kind 'district' only exists in rounds up to {LAST_YEAR_WITH_DISTRICTS} (since"
                " 01/07/2025 local government has two levels: use kind commune for xã, phường, đặc khu)",
            )
        elif kind is not None and kind not in UNIT_KINDS + PAST_UNIT_KINDS:
            problems.add(
                where, f"unit '{code}': unknown kind '{kind}' (use department or commune; district for past rounds)"
            )
        units.append(
            Unit(
                code=code,
                name=_text(item.get("name")),
                kind=kind,
                not_applicable=not_applicable,
                head_title=_text(item.get("head_title")),
                head_name=_text(item.get("head_name")),
                symbol=_text(item.get("symbol")),
                place=_text(item.get("place")),
            )
        )

    council: list[CouncilMember] = []
    for i, item in enumerate(data.get("council") or [], start=1):
        where = f"council[{i}]"
        if not isinstance(item, dict) or not _text(item.get("name")):
            problems.add(where, "expected {name, title, role}")
            continue
        role = _text(item.get("role"), "member").lower()
        if role not in COUNCIL_ROLES:
            problems.add(where, f"role '{role}' is not one of {', '.join(COUNCIL_ROLES)}")
        council.append(CouncilMember(name=_text(item.get("name")), title=_text(item.get("title")), role=role))

    bands: list[Band] = []
    for i, item in enumerate(data.get("bands") or [], start=1):
        where = f"bands[{i}]"
        try:
            bands.append(Band(name=_text(item["name"]), min=float(item["min"])))
        except (KeyError, TypeError, ValueError):
            problems.add(where, "expected {name, min} with min a number (percent)")
    if bands and [b.min for b in bands] != sorted((b.min for b in bands), reverse=True):
        problems.add("bands", "list them highest first")
    if not bands:
        bands = [Band("Tốt", 80), Band("Khá", 65), Band("Trung bình", 50), Band("Yếu", 0)]

    groups = _parse_groups(data.get("groups"), units, problems)

    problems.raise_if_any()
    assert start is not None and end is not None  # checked above
    return Campaign(
        id=cid,
        name=name,
        framework_id=framework_id,
        year=year,
        period_start=start,
        period_end=end,
        deadlines=deadlines,
        organization=organization,
        units=units,
        council=council,
        bands=bands,
        config=_jsonable(data),
        groups=groups,
    )


def _parse_groups(raw, units: list[Unit], problems: _Problems) -> list[RankingGroup]:
    """The campaign's ranking groups: as listed, else one per unit kind present (DEFAULT_GROUPS). Every unit must
    fall in exactly one group."""
    groups: list[RankingGroup] = []
    if raw is None:
        present = {u.kind for u in units}
        for code, name, group_kinds in DEFAULT_GROUPS:
            if present & set(group_kinds):
                groups.append(RankingGroup(code, name, list(group_kinds)))
        covered = {kind for group in groups for kind in group.kinds}
        others = sorted(str(kind) for kind in present - covered if kind is not None)
        if others or None in present:  # units without a kind (or, in a stored campaign, of another kind)
            groups.append(RankingGroup(OTHER_GROUP[0], OTHER_GROUP[1], others))
        return groups
    if not isinstance(raw, list) or not raw:
        problems.add("groups", "expected a list of {code, name, kinds}")
        return groups
    seen_codes: set[str] = set()
    owner: dict[str, str] = {}
    for i, item in enumerate(raw, start=1):
        where = f"groups[{i}]"
        if not isinstance(item, dict):
            problems.add(where, "expected {code, name, kinds}")
            continue
        code, name = _text(item.get("code")), _text(item.get("name"))
        if not ID_PATTERN.match(code):
            problems.add(where, f"invalid group code '{code}'")
            continue
        if code in seen_codes:
            problems.add(where, f"duplicate group code '{code}'")
        seen_codes.add(code)
        if not name:
            problems.add(where, f"group '{code}' has no name")
        kinds_raw = item.get("kinds")
        if isinstance(kinds_raw, str):
            kinds_raw = [kinds_raw]
        if not isinstance(kinds_raw, list) or not kinds_raw:
            problems.add(where, f"group '{code}': kinds must list unit kinds (department, commune)")
            kinds_raw = []
        kinds = [_text(k).lower() for k in kinds_raw]
        for kind in kinds:
            if kind not in UNIT_KINDS + PAST_UNIT_KINDS:
                problems.add(where, f"group '{code}': unknown kind '{kind}' (use department or commune)")
            elif kind in owner:
                problems.add(where, f"group '{code}': kind '{kind}' is already in group '{owner[kind]}'")
            else:
                owner[kind] = code
        groups.append(RankingGroup(code, name, kinds, _text(item.get("framework")) or None))
    for i, unit in enumerate(units, start=1):
        if unit.kind not in owner:
            problems.add(f"units[{i}]", f"unit '{unit.code}' (kind {unit.kind}) is in none of the groups")
    return groups


def _jsonable(value):
    """The YAML mapping with dates as ISO strings, so it can be stored as JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return nfc(value)
    return value


# ---------------------------------------------------------------- storing and loading


def create_campaign(store: Store, path: Path) -> Campaign:
    data = read_campaign_yaml(path)
    framework_id = _text(data.get("framework"))
    framework = None
    if framework_id:
        try:
            framework = load_framework(store, framework_id)
        except NotFound as exc:
            raise InputError(f"framework: {exc}", path=path) from None
    campaign = parse_campaign(data, Path(path), framework)
    for i, group in enumerate(campaign.groups, start=1):
        if group.framework:
            try:
                load_framework(store, group.framework)
            except NotFound as exc:
                raise InputError(f"groups[{i}].framework: {exc}", path=path) from None
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM campaigns WHERE id = ?", (campaign.id,)).fetchone():
            raise InputError(f"campaign '{campaign.id}' already exists", path=path)
        conn.execute(
            "INSERT INTO campaigns(id, name, framework_id, year, period_start, period_end, config, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                campaign.id,
                campaign.name,
                campaign.framework_id,
                campaign.year,
                campaign.period_start.isoformat(),
                campaign.period_end.isoformat(),
                dumps(campaign.config),
                now_iso(),
            ),
        )
        for position, unit in enumerate(campaign.units):
            conn.execute(
                "INSERT INTO units(campaign_id, code, name, kind, not_applicable, position) VALUES (?, ?, ?, ?, ?, ?)",
                (campaign.id, unit.code, unit.name, unit.kind, dumps(unit.not_applicable), position),
            )
        chain.record_event(conn, chain.CAMPAIGN, chain.campaign_payload(conn, campaign.id), config.current_user())
    return load_campaign(store, campaign.id)


def campaign_ids(store: Store) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT id FROM campaigns ORDER BY created_at, id")]


def load_campaign(store: Store, campaign_id: str) -> Campaign:
    row = store.db.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
    if row is None:
        ids = campaign_ids(store)
        hint = did_you_mean(campaign_id, ids) if ids else "no campaign yet; use `evidence campaign create FILE`"
        raise NotFound(f"unknown campaign '{campaign_id}'; {hint}")
    config = json.loads(row["config"])
    framework = load_framework(store, row["framework_id"])
    campaign = parse_campaign(config, Path(f"campaign {campaign_id}"), None, stored=True)  # validated when created
    campaign.created_at = row["created_at"]
    campaign.store = store
    campaign.__dict__["framework"] = framework  # already loaded
    return campaign


def resolve_campaign_id(store: Store, campaign_id: str | None) -> str:
    """The campaign named, or the only one in the store."""
    if campaign_id:
        return campaign_id
    ids = campaign_ids(store)
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise NotFound("no campaign yet; use `evidence campaign create FILE`")
    raise InputError(f"several campaigns in the store ({', '.join(ids)}); choose one with --campaign")


def list_campaigns(store: Store) -> list[dict]:
    rows = store.db.execute(
        "SELECT c.id, c.name, c.framework_id, c.year, c.period_start, c.period_end, c.created_at,"
        " (SELECT COUNT(*) FROM units u WHERE u.campaign_id = c.id) AS units,"
        " (SELECT COUNT(DISTINCT evidence_id) FROM links l WHERE l.campaign_id = c.id) AS evidence"
        " FROM campaigns c ORDER BY c.created_at, c.id"
    ).fetchall()
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "framework": r["framework_id"],
            "year": r["year"],
            "period": {"start": r["period_start"], "end": r["period_end"]},
            "units": r["units"],
            "evidence": r["evidence"],
            "created_at": r["created_at"],
        }
        for r in rows
    ]


def progress(store: Store, campaign: Campaign) -> list[dict]:
    """Per unit: applicable scored criteria, how many have evidence, and how many documents are linked."""
    linked: dict[str, set[str]] = {}
    documents: dict[str, int] = {}
    for r in store.db.execute(
        "SELECT unit_code, criterion_code, COUNT(*) AS n FROM links WHERE campaign_id = ?"
        " GROUP BY unit_code, criterion_code",
        (campaign.id,),
    ):
        linked.setdefault(r["unit_code"], set()).add(r["criterion_code"])
        documents[r["unit_code"]] = documents.get(r["unit_code"], 0) + r["n"]
    out = []
    for unit in campaign.units:
        leaves = campaign.self_scored_leaves(unit)
        with_evidence = sum(1 for c in leaves if c.code in linked.get(unit.code, set()))
        required = [c for c in leaves if c.evidence_required]
        out.append(
            {
                "unit": unit.code,
                "name": unit.name,
                "kind": unit.kind,
                "applicable_criteria": len(leaves),
                "criteria_with_evidence": with_evidence,
                "required_without_evidence": sum(1 for c in required if c.code not in linked.get(unit.code, set())),
                "documents": documents.get(unit.code, 0),
                "percent": round(100 * with_evidence / len(leaves), 1) if leaves else 0.0,
            }
        )
    return out
