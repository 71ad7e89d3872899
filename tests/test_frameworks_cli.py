"""`evidence framework import|list|show|export` through the real command line (in-process, real store)."""

from __future__ import annotations

import json
import textwrap

from evidence.frameworks import sample_paths

PAR = sample_paths()["par-department"]

SMALL = textwrap.dedent("""\
    id: nho
    name: Bộ tiêu chí nhỏ
    version: "1"
    criteria:
      - code: "1"
        title: Lĩnh vực
        children:
          - {code: "1.1", title: Kế hoạch, points: 2, evidence: {types: [KH]}, due: by 31/12 of year-1}
          - {code: "1.2", title: Khảo sát, points: 3, evidence: false, applies_to: [district]}
    """)


def test_import_without_a_store_says_to_init(cli):
    result = cli("framework", "import", PAR)
    assert result.exit_code == 2
    assert "run `evidence --store" in result.stderr and "init` first" in result.stderr


def test_import_list_show_json(cli, store, tmp_path):
    path = tmp_path / "nho.yaml"
    path.write_text(SMALL, encoding="utf-8")
    result = cli("framework", "import", path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("id", "name", "version", "criteria_count", "scored_criteria", "max_points")} == {
        "id": "nho",
        "name": "Bộ tiêu chí nhỏ",
        "version": "1",
        "criteria_count": 3,
        "scored_criteria": 2,
        "max_points": 5.0,
    }

    listed = json.loads(cli("framework", "list", "--json").stdout)
    assert [f["id"] for f in listed] == ["nho"]
    assert listed[0]["max_points"] == 5.0 and listed[0]["scored_criteria"] == 2

    shown = json.loads(cli("framework", "show", "nho", "--json").stdout)
    assert {"id", "name", "version", "criteria"} <= set(shown)
    root = shown["criteria"][0]
    assert {"code", "title", "max_points", "evidence_required", "expected_types", "applies_to", "children"} <= set(root)
    assert root["max_points"] == 5.0
    assert [
        (c["code"], c["max_points"], c["evidence_required"], c["expected_types"], c["applies_to"])
        for c in root["children"]
    ] == [("1.1", 2.0, True, ["KH"], []), ("1.2", 3.0, False, [], ["district"])]


def test_reimport_needs_replace(cli, store):
    assert cli("framework", "import", PAR).exit_code == 0
    again = cli("framework", "import", PAR)
    assert again.exit_code == 2
    assert "already loaded; use --replace" in again.stderr
    replaced = cli("framework", "import", PAR, "--replace", "--json")
    assert replaced.exit_code == 0 and json.loads(replaced.stdout)["replaced"] is True


def test_bad_file_lists_problems_exit_2(cli, store, tmp_path):
    path = tmp_path / "xau.yaml"
    path.write_text(SMALL.replace("points: 2", "points: hai").replace("[KH]", "[KL]"), encoding="utf-8")
    result = cli("framework", "import", path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {path}: 2 problems"
    assert lines[1].startswith("line 8: criterion 1.1:") and "Traceback" not in result.output
    assert cli("framework", "list", "--json").stdout.strip() == "[]"


def test_human_show_prints_the_tree(cli, store):
    cli("framework", "import", PAR)
    out = cli("framework", "show", "par-department").stdout
    assert "par-department" in out and "100 points" in out
    assert "\n  1.1  Kế hoạch cải cách hành chính năm  (2)" in out
    assert "    1.1.1  Ban hành kế hoạch CCHC năm kịp thời  (1)  ● KH · due by 31/12 of year-1" in out
    assert "8.1  Mức độ hài lòng" in out and "(5)  –" in out
    assert (
        "8.1  Mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính  (5)  –  {survey}" in out
    )
    shallow = cli("framework", "show", "par-department", "--depth", "1").stdout
    assert "1.1" not in shallow and "3  Cải cách thủ tục hành chính  (14.5)" in shallow


def test_unknown_framework(cli, store):
    result = cli("framework", "show", "khong-co")
    assert result.exit_code == 2 and "unknown framework 'khong-co'" in result.stderr


def test_excel_import_with_id_and_export(cli, store, tmp_path):
    cli("framework", "import", PAR)
    xlsx = tmp_path / "ban-sao.xlsx"
    exported = cli("framework", "export", "par-department", "--out", xlsx, "--json")
    assert exported.exit_code == 0 and json.loads(exported.stdout) == {
        "id": "par-department",
        "path": str(xlsx),
        "format": "xlsx",
    }
    result = cli("framework", "import", xlsx, "--id", "cchc-tinh", "--name", "Chỉ số CCHC của tỉnh", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["id"], data["name"], data["max_points"], data["scored_criteria"]) == (
        "cchc-tinh",
        "Chỉ số CCHC của tỉnh",
        100.0,
        54,
    )
    original = json.loads(cli("framework", "show", "par-department", "--json").stdout)
    copy = json.loads(cli("framework", "show", "cchc-tinh", "--json").stdout)
    assert copy["criteria"] == original["criteria"]
    bad = cli("framework", "export", "par-department", "--out", tmp_path / "x.csv")
    assert bad.exit_code == 2 and "use .yaml, .yml or .xlsx" in bad.stderr


MINI_V2 = textwrap.dedent("""\
    id: mini
    name: Bộ tiêu chí thử nghiệm
    version: "2"
    criteria:
      - code: "1"
        title: Công tác chỉ đạo, điều hành cải cách hành chính
        children:
          - {code: "1.1", title: Ban hành kế hoạch CCHC năm, points: 5, evidence: {types: [KH]}}
          - {code: "1.2", title: Báo cáo CCHC định kỳ, points: 3, evidence: {types: [BC]}}
          - {code: "1.3", title: Kiểm tra công tác CCHC, points: 2}
    """)


def test_replace_while_a_campaign_uses_the_framework(cli, store, campaign, tmp_path):
    from evidence.catalog import attach_files

    newer = tmp_path / "mini-v2.yaml"
    newer.write_text(
        MINI_V2
        + textwrap.indent(
            textwrap.dedent("""\
        - code: "2"
          title: Cải cách thủ tục hành chính
          children:
            - {code: "2.1", title: Công bố TTHC, points: 6}
            - {code: "2.2", title: Giải quyết TTHC cấp huyện, points: 4}
        """),
            "  ",
        ),
        encoding="utf-8",
    )
    result = cli("framework", "import", newer, "--replace", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["version"] == "2"

    proof = tmp_path / "bao-cao.txt"
    proof.write_text("Báo cáo giải quyết thủ tục hành chính năm 2025", encoding="utf-8")
    attach_files(store, [proof], campaign_id="test-2025", unit_code="BLV", criterion_code="2.2", ocr=False)
    dropping = tmp_path / "mini-v3.yaml"
    dropping.write_text(MINI_V2.replace('"2"', '"3"', 1), encoding="utf-8")
    refused = cli("framework", "import", dropping, "--replace")
    assert refused.exit_code == 2
    assert "drops criteria that have evidence: 2.2" in refused.stderr
