"""Reading frameworks from YAML: a good file, and every validation error naming its line."""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import pytest

from evidence.errors import InputError
from evidence.frameworks import FrameworkError, export_framework, parse_framework_file

HEAD = textwrap.dedent("""\
    id: thu-nghiem
    name: Bộ tiêu chí thử nghiệm
    version: 1.10
    unit_kinds: [department, district]
    criteria:
    """)

GOOD = HEAD + textwrap.dedent("""\
      - code: 1
        title: Công tác chỉ đạo, điều hành CCHC
        points: 3,5
        children:
          - code: 1.1
            title: Kế hoạch   CCHC năm
            points: "2,5"
            evidence:
              types: [kh, Quyết định]
              description: Kế hoạch CCHC năm của đơn vị
            due: By 31/12 of year-1
            applies_to: sở, huyện
            guidance: >-
              Ban hành trước 31/12: 2,5 điểm.
          - code: 1.10
            title: Khảo sát
            points: 1
            evidence: false
      - code: "2"
        title: Cải cách thủ tục hành chính
        children:
          - code: "2.1"
            title: Công khai TTHC
            points: 2
            evidence: {required: true}
    """)


def write(tmp_path: Path, text: str, name: str = "fw.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_yaml(tmp_path):
    fw = parse_framework_file(write(tmp_path, GOOD.replace("Khảo sát", unicodedata.normalize("NFD", "Khảo sát"))))
    assert (fw.id, fw.name, fw.version) == ("thu-nghiem", "Bộ tiêu chí thử nghiệm", "1.10")
    assert fw.unit_kinds == ["department", "district"]
    assert [c.code for c in fw.walk()] == ["1", "1.1", "1.10", "2", "2.1"]
    assert fw.total_points == 5.5
    plan = fw.by_code["1.1"]
    assert plan.title == "Kế hoạch CCHC năm"
    assert plan.max_points == 2.5
    assert plan.expected_types == ["KH", "QĐ"]
    assert plan.evidence_required is True
    assert plan.due_rule == "by 31/12 of year-1"
    assert plan.applies_to == ["department", "district"]
    assert plan.guidance == "Ban hành trước 31/12: 2,5 điểm."
    assert plan.parent_code == "1"
    survey = fw.by_code["1.10"]
    assert survey.title == "Khảo sát" and unicodedata.is_normalized("NFC", survey.title)
    assert survey.evidence_required is False
    assert fw.by_code["2.1"].evidence_required is True
    assert fw.by_code["2"].points == 2


def test_criterion_json_shape(tmp_path):
    fw = parse_framework_file(write(tmp_path, GOOD))
    root = fw.to_json()["criteria"][0]
    assert {"code", "title", "max_points", "evidence_required", "expected_types", "applies_to", "children"} <= set(root)
    assert root["max_points"] == 3.5 and root["children"][0]["code"] == "1.1"


def problems_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(FrameworkError) as caught:
        parse_framework_file(write(tmp_path, text))
    message = str(caught.value)
    assert message.splitlines()[0].endswith(("problem", "problems"))
    assert message.startswith(str(tmp_path / "fw.yaml") + ": ")
    return message


def crit(body: str) -> str:
    return HEAD + textwrap.indent(textwrap.dedent(body), "  ")


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            """\
     - code: "1"
       title: A
       points: 1
     - code: "1"
       title: B
       points: 1
     """,
            "line 9: duplicate code 1 (first at line 6)",
        ),
        (
            """\
     - code: "1.2"
       title: Mồ côi
       points: 1
     """,
            "line 6: criterion 1.2 has no parent: there is no criterion 1",
        ),
        (
            """\
     - code: "1"
       title: A
       children:
         - code: "2.1"
           title: Lạc chỗ
           points: 1
     """,
            "line 9: criterion 2.1 does not fit under 1",
        ),
        (
            """\
     - code: "1"
       title: A
       points: 2
       children:
         - {code: "1.1", title: B, points: 1.5}
         - {code: "1.2", title: C, points: 1}
     """,
            "line 6: criterion 1: its children's points (2.5) exceed its points (2)",
        ),
        (
            """\
     - code: "1"
       title: A
       points: 3
       children:
         - {code: "1.1", title: B, points: 1}
     """,
            "line 6: criterion 1: its children's points (1) add up to less than its points (3)",
        ),
        (
            """\
     - code: "1"
       title: A
       points: abc
     """,
            "line 6: criterion 1: points 'abc' is not a number",
        ),
        (
            """\
     - code: "1"
       title: A
       points: -2
     """,
            "line 6: criterion 1: points -2 is negative",
        ),
        (
            """\
     - code: "1"
       title: ""
       points: 1
     """,
            "line 6: criterion 1 has an empty title",
        ),
        (
            """\
     - code: "1"
       title: A
     """,
            "line 6: criterion 1 has no points",
        ),
        (
            """\
     - code: "1"
       title: A
       points: 1
       evidence: {types: [KH, KL]}
     """,
            "line 6: criterion 1: unknown document type 'KL'",
        ),
        (
            """\
     - code: "1"
       title: A
       points: 1
       evidence: {types: [QD]}
     """,
            "line 6: criterion 1: unknown document type 'QD' (did you mean QĐ?)",
        ),
        (
            """\
     - code: "1"
       title: A
       points: 1
       due: sometime soon
     """,
            "line 6: criterion 1: cannot read due rule 'sometime soon'",
        ),
        (
            """\
     - code: "1"
       title: A
       points: 1
       applies_to: [commune]
     """,
            "line 6: criterion 1: applies_to names unknown unit kind commune",
        ),
        (
            """\
     - code: "1"
       title: A
       pionts: 1
     """,
            "line 8: criterion 1: unknown key 'pionts'",
        ),
        (
            """\
     - code: "1"
       title: A
       title: B
       points: 1
     """,
            "line 8: criterion 1: key 'title' appears twice",
        ),
        (
            """\
     - code: "1 2"
       title: A
       points: 1
     """,
            "line 6: code '1 2' is not like",
        ),
        (
            """\
     - code: "1/2"
       title: A
       points: 1
     """,
            "line 6: code '1/2' is not like 1, 1.2, 1.2.3 or A.1.1",
        ),
        (
            """\
     - title: A
       points: 1
     """,
            "line 6: missing code",
        ),
    ],
)
def test_each_error_names_its_line(tmp_path, body, expected):
    assert expected in problems_of(tmp_path, crit(body))


def test_all_problems_are_listed_at_once(tmp_path):
    message = problems_of(
        tmp_path,
        crit("""\
        - code: "1"
          title: A
          points: x
        - code: "2.1"
          title: B
          points: 1
        """),
    )
    lines = message.splitlines()
    assert lines[0].endswith("2 problems")
    assert lines[1].startswith("line 6: ") and lines[2].startswith("line 9: ")


def test_metadata_problems(tmp_path):
    message = problems_of(tmp_path, "id: Bad Id!\nname: ''\ncriteria: []\nextra: 1\n")
    assert "line 1: framework id 'Bad Id!' must be short" in message
    assert "line 2: missing framework name" in message
    assert "line 4: unknown key 'extra'" in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "id: x\nname: y\ncriteria:\n  - code: 1\n    title: [unclosed\n")
    with pytest.raises(InputError, match=r"fw.yaml: line \d+: YAML syntax error"):
        parse_framework_file(path)


def test_unsafe_yaml_is_refused(tmp_path):
    path = write(tmp_path, "id: !!python/object/apply:os.system ['true']\nname: x\ncriteria: []\n")
    with pytest.raises(InputError, match="line 1: YAML syntax error"):
        parse_framework_file(path)


def test_aliases_are_refused(tmp_path):
    path = write(tmp_path, "id: x\nname: &a x\nsource: *a\ncriteria: []\n")
    with pytest.raises(InputError, match="line 2: YAML syntax error: anchors and aliases"):
        parse_framework_file(path)
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"
    with pytest.raises(InputError, match="anchors and aliases"):
        parse_framework_file(write(tmp_path, bomb, "bomb.yaml"))


def test_large_and_odd_files(tmp_path):
    big = write(tmp_path, "# " + "x" * (5 * 1024 * 1024 + 10) + "\n", "big.yaml")
    with pytest.raises(InputError, match="too large"):
        parse_framework_file(big)
    with pytest.raises(InputError, match="not UTF-8"):
        (tmp_path / "latin.yaml").write_bytes(b"id: x\nname: caf\xe9\n")
        parse_framework_file(tmp_path / "latin.yaml")
    with pytest.raises(InputError, match="a mapping with id, name and criteria"):
        parse_framework_file(write(tmp_path, "- 1\n- 2\n", "list.yaml"))
    with pytest.raises(InputError, match="unsupported file type '.csv'"):
        parse_framework_file(write(tmp_path, "code,title\n", "fw.csv"))
    with pytest.raises(InputError, match="no such file"):
        parse_framework_file(tmp_path / "missing.yaml")


def test_export_yaml_round_trip(tmp_path):
    fw = parse_framework_file(write(tmp_path, GOOD))
    out = export_framework(fw, tmp_path / "copy.yaml")
    again = parse_framework_file(out)
    assert again.to_json() == fw.to_json()
