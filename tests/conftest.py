"""Shared fixtures: a real store in a temporary directory, a small framework, a campaign, documents."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidence.round import scoring
from evidence.round.campaign import create_campaign
from evidence.frameworks.model import Criterion, Framework, save_framework
from evidence.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"

# `EVIDENCE_TEST_DATABASE=postgresql pytest …` runs tests in server mode: a private PostgreSQL (tests/pg_support.py)
# and, for each test, a fresh database named by EVIDENCE_DATABASE_URL (the CLI's subprocesses inherit it).
ON_POSTGRES = os.environ.get("EVIDENCE_TEST_DATABASE", "") == "postgresql"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: the test works on SQLite's own file or syntax (skipped on PostgreSQL)"
    )


def pytest_collection_modifyitems(config, items):
    if ON_POSTGRES:
        skip = pytest.mark.skip(reason="SQLite-only test (server-mode run)")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """A test module with `BOTH_ENGINES = True` runs each of its tests that uses a store on SQLite and on PostgreSQL
    (the PostgreSQL run skips when the server binaries are absent)."""
    if getattr(metafunc.module, "BOTH_ENGINES", False) and "engine" in metafunc.fixturenames and not ON_POSTGRES:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("engine", ENGINES[:1] if only_sqlite else ENGINES, indirect=True)


@pytest.fixture
def engine(request):
    """The database the test's store uses: "sqlite" (the store's own file) or "postgresql" (a fresh database on the
    session's cluster, named by EVIDENCE_DATABASE_URL for the test and the CLI processes it starts)."""
    name = getattr(request, "param", "postgresql" if ON_POSTGRES else "sqlite")
    if name == "postgresql" and not ON_POSTGRES:
        cluster = request.getfixturevalue("postgres")
        url = cluster.fresh_database()
        request.getfixturevalue("monkeypatch").setenv("EVIDENCE_DATABASE_URL", url)
        yield name
        cluster.drop(url)
        return
    yield name


@pytest.fixture(scope="session")
def postgres():
    """The session's PostgreSQL cluster (skips the test when the server binaries are absent)."""
    from pg_support import Postgres, server_bin

    if server_bin() is None:
        pytest.skip("PostgreSQL server binaries not installed")
    cluster = Postgres().start()
    cluster.make_template()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def module_database(request):
    """For a store a whole module shares: in a server-mode run, one fresh PostgreSQL database for the module."""
    if not ON_POSTGRES:
        yield None
        return
    url = request.getfixturevalue("postgres").fresh_database()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVIDENCE_DATABASE_URL", url)
        yield url
    request.getfixturevalue("postgres").drop(url)


@pytest.fixture(autouse=ON_POSTGRES)
def server_database(request, monkeypatch):
    """In a server-mode run: every store of the test uses a fresh PostgreSQL database."""
    if not ON_POSTGRES or "module_database" in request.fixturenames:
        yield None
        return
    cluster = request.getfixturevalue("postgres")
    url = cluster.fresh_database()
    monkeypatch.setenv("EVIDENCE_DATABASE_URL", url)
    yield url
    cluster.drop(url)


def small_framework() -> Framework:
    """Two fields, five scored criteria, 20 points: enough to exercise trees, evidence rules and kinds."""

    def leaf(code, title, points, parent, **kw):
        return Criterion(code=code, title=title, max_points=points, parent_code=parent, **kw)

    field1 = Criterion(
        code="1",
        title="Công tác chỉ đạo, điều hành cải cách hành chính",
        children=[
            leaf(
                "1.1",
                "Ban hành kế hoạch cải cách hành chính năm",
                4,
                "1",
                evidence_required=True,
                expected_types=["KH"],
                evidence_description="Kế hoạch CCHC năm",
                due_rule=None,
            ),
            leaf("1.2", "Báo cáo cải cách hành chính định kỳ", 3, "1", evidence_required=True, expected_types=["BC"]),
            leaf("1.3", "Kiểm tra công tác cải cách hành chính", 3, "1", evidence_required=False),
        ],
    )
    field2 = Criterion(
        code="2",
        title="Cải cách thủ tục hành chính",
        children=[
            leaf("2.1", "Công bố, công khai thủ tục hành chính", 6, "2", evidence_required=True, expected_types=["QĐ"]),
            leaf(
                "2.2",
                "Giải quyết thủ tục hành chính trên địa bàn cấp huyện",
                4,
                "2",
                evidence_required=True,
                expected_types=["BC"],
                applies_to=["district"],
            ),
        ],
    )
    return Framework(id="mini", name="Bộ tiêu chí thử nghiệm", version="1", criteria=[field1, field2])


CAMPAIGN_YAML = textwrap.dedent("""\
    id: test-2025
    name: Xác định Chỉ số CCHC năm 2025 (thử nghiệm)
    framework: mini
    year: 2025
    period: {start: 2024-12-16, end: 2025-12-15}
    deadlines: {self_assessment: 2025-12-20, appraisal: 2026-01-15}
    organization:
      parent: UBND TỈNH QUẢNG NAM
      issuer: SỞ NỘI VỤ
      issuer_short: SNV
      place: Quảng Nam
      signer: {authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Nguyễn Văn A}
    units:
      - {code: STP, name: Sở Tư pháp, kind: department}
      - {code: SYT, name: Sở Y tế, kind: department}
      - {code: BLV, name: UBND huyện Bạch Long Vỹ, kind: district, not_applicable: ["1.3"]}
    council:
      - {name: Trần Văn B, title: Phó Chủ tịch UBND tỉnh, role: chair}
      - {name: Lê Thị C, title: Giám đốc Sở Nội vụ, role: deputy}
      - {name: Phạm Văn D, title: Chuyên viên Sở Nội vụ, role: secretary}
    bands:
      - {name: Tốt, min: 80}
      - {name: Khá, min: 65}
      - {name: Trung bình, min: 50}
      - {name: Yếu, min: 0}
    """)


@pytest.fixture
def store(tmp_path: Path, engine: str) -> Store:
    s = Store.init(tmp_path / "store")
    yield s
    s.close()


@pytest.fixture
def campaign_file(tmp_path: Path) -> Path:
    path = tmp_path / "campaign.yaml"
    path.write_text(CAMPAIGN_YAML, encoding="utf-8")
    return path


# self-score, appraised score per leaf of the small framework: deductions on 1.1, 1.3 and 2.1
SCORED_POINTS = {"1.1": (4, 3), "1.2": (3, 3), "1.3": (3, 2), "2.1": (6, 4.5), "2.2": (4, 4)}


def score_every_leaf(store: Store, campaign, deduction_comment: str) -> None:
    """Every unit self-scores and is appraised on every applicable leaf (SCORED_POINTS), with the comment on
    each deduction: the scored round the documents tests start from."""
    for unit in campaign.units:
        for leaf in campaign.applicable_leaves(unit):
            own, appraised = SCORED_POINTS[leaf.code]
            scoring.set_self_score(store, campaign, unit.code, leaf.code, own, explanation="Có tài liệu")
            scoring.appraise(
                store,
                campaign,
                unit.code,
                leaf.code,
                appraised,
                comment=deduction_comment if appraised < own else None,
            )


@pytest.fixture
def campaign(store: Store, campaign_file: Path):
    save_framework(store, small_framework())
    return create_campaign(store, campaign_file)


@pytest.fixture
def cli(tmp_path: Path):
    """Run `evidence --store <tmp store> …` in-process; returns the click Result."""
    from evidence.cli import main

    runner = CliRunner()
    store_dir = tmp_path / "store"

    def run(*args, input=None):
        return runner.invoke(main, ["--store", str(store_dir), *map(str, args)], input=input, catch_exceptions=False)

    run.store_dir = store_dir
    return run


def make_docx(
    path: Path,
    *,
    number: str = "12/KH-SNV",
    date_line: str = "Quảng Nam, ngày 05 tháng 01 năm 2025",
    type_name: str = "KẾ HOẠCH",
    subject: str = "Cải cách hành chính năm 2025",
    body: str = "Nội dung kế hoạch cải cách hành chính.",
) -> Path:
    """A born-digital Decree 30 style document: header table, type and subject lines, body."""
    import docx

    document = docx.Document()
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = f"UBND TỈNH QUẢNG NAM\nSỞ NỘI VỤ\nSố: {number}"
    right.text = f"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n{date_line}"
    document.add_paragraph(type_name)
    document.add_paragraph(subject)
    document.add_paragraph(body)
    document.save(path)
    return path
