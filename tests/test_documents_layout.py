"""Templates, rendering sandbox, templates check and the Decree 30 lint — without scores."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from evidence.documents.check import check_templates, missing_variables
from evidence.documents.context_common import place_date_line, sentence_name
from evidence.documents.generate import generate
from evidence.documents.lint import lint_docx
from evidence.documents.template_builder import KINDS, build_all
from evidence.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def _rules(path) -> set[str]:
    return {v.rule for v in lint_docx(path)}


def test_committed_templates_match_the_builder(tmp_path):
    """Rebuilding gives the same document XML as the committed templates (the layout lives in code)."""
    build_all(tmp_path)
    for kind in KINDS:
        built = docx.Document(str(tmp_path / f"{kind}.docx"))
        shipped = docx.Document(str(ROOT / "templates" / f"{kind}.docx"))
        assert built.element.xml == shipped.element.xml, (
            f"templates/{kind}.docx is stale: run scripts/build_templates.py"
        )
        assert built.styles.element.xml == shipped.styles.element.xml


def test_shipped_templates_check_clean(cli):
    report = check_templates(ROOT / "templates")
    assert [e for e in report if e["missing"] or e["error"]] == []
    result = cli("templates", "check", "--json")
    assert result.exit_code == 0
    assert {e["kind"] for e in json.loads(result.output)["templates"]} == set(KINDS)


def test_plan_and_decision_pass_the_lint(store, campaign, tmp_path):
    for kind in ("plan", "decision"):
        [path] = generate(store, campaign.id, kind, out=tmp_path)
        assert lint_docx(path) == [], kind
        text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        assert "Xác định Chỉ số CCHC năm 2025" in text or "xác định Chỉ số CCHC năm 2025" in text


def test_header_number_blank_or_padded_and_date_line(store, campaign, tmp_path):
    [path] = generate(store, campaign.id, "plan", out=tmp_path / "p.docx")
    header = docx.Document(str(path)).tables[0]
    cells = "\n".join(c.text for row in header.rows for c in row.cells)
    assert "Số:       /KH-UBND" in cells or "Số:      /KH-UBND" in cells
    assert "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NAM" in cells  # the plan is the province's, its name on two lines
    from datetime import date

    assert place_date_line("Quảng Nam", date(2026, 1, 5)) == "Quảng Nam, ngày 05 tháng 01 năm 2026"
    assert place_date_line("Hà Nội", date(2025, 12, 15)) == "Hà Nội, ngày 15 tháng 12 năm 2025"
    assert place_date_line("Hà Nội", date(2025, 3, 4)) == "Hà Nội, ngày 04 tháng 3 năm 2025"


def test_number_given_in_campaign_is_zero_padded(store, tmp_path, campaign_file):
    from evidence.round.campaign import create_campaign
    from evidence.frameworks.model import save_framework
    from conftest import small_framework

    text = campaign_file.read_text(encoding="utf-8") + "documents:\n  decision: {number: 5, date: 2026-02-03}\n"
    campaign_file.write_text(text, encoding="utf-8")
    save_framework(store, small_framework())
    campaign = create_campaign(store, campaign_file)
    [path] = generate(store, campaign.id, "decision", out=tmp_path)
    cells = "\n".join(c.text for row in docx.Document(str(path)).tables[0].rows for c in row.cells)
    assert "Số: 05/QĐ-UBND" in cells
    assert "Quảng Nam, ngày 03 tháng 02 năm 2026" in cells
    assert lint_docx(path) == []


def test_sentence_names():
    assert sentence_name("SỞ NỘI VỤ") == "Sở Nội vụ"
    assert sentence_name("SỞ TƯ PHÁP") == "Sở Tư pháp"
    assert sentence_name("UBND TỈNH QUẢNG NAM", "Quảng Nam") == "UBND tỉnh Quảng Nam"


def test_lint_catches_each_broken_rule(store, campaign, tmp_path):
    [path] = generate(store, campaign.id, "decision", out=tmp_path / "d.docx")
    document = docx.Document(str(path))
    section = document.sections[0]
    section.left_margin = Pt(60)  # ~21 mm
    header = document.tables[0]
    issuer = [p for p in header.rows[0].cells[0].paragraphs if p.text.strip() == "TỈNH QUẢNG NAM"][0]
    for run in issuer.runs:
        run.bold = False
    date_line = [p for p in header.rows[1].cells[1].paragraphs if p.text.strip()][0]
    date_line.runs[0].text = "Quảng Nam, ngày 5 tháng 1 năm 2026"
    signature = document.tables[-1]
    title = signature.rows[0].cells[0].paragraphs[0]
    title.runs[0].italic = False
    name = [p for p in signature.rows[0].cells[1].paragraphs if p.text.strip()][-1]
    name.runs[0].text = "TS. Nguyễn Văn A"
    body = [p for p in document.paragraphs if p.text.startswith("Điều 1")][0]
    body.runs[1].font.size = Pt(12)
    body.runs[1].font.name = "Arial"
    section.different_first_page_header_footer = False
    broken = tmp_path / "broken.docx"
    document.save(str(broken))
    rules = _rules(broken)
    for rule in (
        "page.margin.left",
        "header.issuer.bold",
        "header.place_date",
        "recipients.title.italic",
        "signature.name",
        "body.size",
        "font.family",
        "page_number.first",
    ):
        assert rule in rules, (rule, rules)


def test_lint_command_exit_codes(store, campaign, tmp_path, cli):
    [good] = generate(store, campaign.id, "plan", out=tmp_path)
    store.close()
    bad = tmp_path / "bad.docx"
    docx.Document().save(str(bad))
    ok = cli("documents", "lint", str(good))
    assert ok.exit_code == 0 and "ok" in ok.output
    result = cli("documents", "lint", str(good), str(bad), "--json")
    assert result.exit_code == 1
    files = json.loads(result.output)["files"]
    assert files[0]["violations"] == [] and files[1]["violations"]
    assert cli("documents", "lint", str(tmp_path / "nope.docx")).exit_code == 2


def _user_templates(tmp_path, kind: str, replace: tuple[str, str]) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir(exist_ok=True)
    for k in KINDS:
        shutil.copy(ROOT / "templates" / f"{k}.docx", folder / f"{k}.docx")
    document = docx.Document(str(folder / f"{kind}.docx"))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if replace[0] in run.text:
                run.text = run.text.replace(*replace)
                document.save(str(folder / f"{kind}.docx"))
                return folder
    raise AssertionError(f"{replace[0]} not in the {kind} template")


def test_user_template_with_a_missing_variable_fails_clearly(store, campaign, tmp_path, cli):
    folder = _user_templates(tmp_path, "plan", ("{{ campaign.period_start }}", "{{ campaign.started }} {{ budget }}"))
    with pytest.raises(InputError) as error:
        generate(store, campaign.id, "plan", out=tmp_path / "out", templates=folder)
    assert "budget" in str(error.value) and "plan.docx" in str(error.value)
    assert missing_variables(folder / "plan.docx", "plan") == ["budget", "campaign.started"]
    store.close()
    result = cli("templates", "check", "--templates", folder)
    assert result.exit_code == 1 and "budget" in result.output and "campaign.started" in result.output
    gen = cli("generate", "plan", "--campaign", campaign.id, "--templates", folder, "--out", tmp_path / "o")
    assert gen.exit_code == 2


def test_nested_missing_attribute_fails_at_render(store, campaign, tmp_path):
    folder = _user_templates(tmp_path, "decision", ("{{ decision.proposer }}", "{{ decision.salary }}"))
    with pytest.raises(InputError) as error:
        generate(store, campaign.id, "decision", out=tmp_path / "out", templates=folder)
    assert "salary" in str(error.value) and "decision.docx" in str(error.value)


@pytest.mark.parametrize(
    "payload",
    [
        "{{ org.issuer.__class__.__mro__ }}",
        "{{ ''.__class__.__base__.__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ org.issuer.format.__globals__ }}",
    ],
)
def test_template_cannot_reach_python_internals(store, campaign, tmp_path, payload):
    folder = _user_templates(tmp_path, "decision", ("{{ decision.proposer }}", payload))
    with pytest.raises(InputError) as error:
        generate(store, campaign.id, "decision", out=tmp_path / "out", templates=folder)
    message = str(error.value)
    assert "decision.docx" in message and ("unsafe" in message or "does not provide" in message)


def test_objects_in_the_context_are_opaque(tmp_path):
    """Images are the only non-data values a context carries; a template cannot call into them."""
    from evidence.documents.render import Image, render_docx
    from evidence.documents.template_builder import Writer

    writer = Writer("probe")
    writer.p("{{ chart.tpl.save('/tmp/x.docx') }}")
    template = writer.save(tmp_path / "probe.docx")
    with pytest.raises(InputError, match="unsafe"):
        render_docx(template, {"chart": Image(b"\x89PNG", 10), "doc": {"draft": ""}}, tmp_path / "out.docx")


def test_missing_template_and_unknown_kind(store, campaign, tmp_path):
    with pytest.raises(InputError, match="no template"):
        generate(store, campaign.id, "plan", templates=tmp_path / "empty")
    with pytest.raises(InputError, match="unknown document kind"):
        generate(store, campaign.id, "memo")


def test_chart_draws_units_at_zero_and_full_percent():
    """A unit with 0 % (nothing appraised yet) or 100 % still gets a bar; the image is a real PNG."""
    from io import BytesIO

    from PIL import Image

    from evidence.documents.chart import percentages_chart

    png = percentages_chart(
        ["A", "B", "C"], [0.0, 55.5, 100.0], ["Yếu", "Trung bình", "Tốt"], ["Tốt", "Khá", "Trung bình", "Yếu"]
    )
    image = Image.open(BytesIO(png))
    assert image.format == "PNG" and image.width > 500
