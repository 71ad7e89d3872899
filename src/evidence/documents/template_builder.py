"""Builds the six Word templates (templates/<kind>.docx) with python-docx, every Decree 30 property set by code.

The templates are ordinary .docx files with docxtpl tags, so a secretariat can open and restyle them in Word; this
module is how the shipped ones are made (`python scripts/build_templates.py`). Layout numbers come from `layout`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from . import docxkit as kit
from .layout import (
    BODY_FIRST_LINE_INDENT_CM,
    BODY_LINE_SPACING,
    BODY_SPACE_AFTER_PT,
    ELEMENTS,
    HEADER_COLUMNS_MM,
    HEADER_DISTANCE_MM,
    MARGINS_MM,
    MOTTO,
    NATIONAL_TITLE,
    PAGE_MM,
    SIGNATURE_COLUMNS_MM,
    STYLE,
    TEXT_WIDTH_MM,
)

KINDS = ("plan", "decision", "reminder", "minutes", "report", "submission", "announcement", "self-report")


def _size(element: str) -> float:
    return ELEMENTS[element].size


def _define_styles(document) -> None:
    kit.set_document_defaults(document, _size("body"))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(_size("body"))
    kit.set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    S = STYLE
    ps = kit.paragraph_style
    ps(document, S["parent"], size=_size("parent"), align="center")
    ps(document, S["issuer"], size=_size("issuer"), bold=True, align="center")
    kit.rule_style(document, S["issuer_rule"])
    ps(document, S["number"], size=_size("number"), align="center", before=6)
    ps(document, S["brief"], size=_size("brief"), align="center", before=4)
    ps(document, S["national"], size=_size("national"), bold=True, align="center")
    ps(document, S["motto"], size=_size("motto"), bold=True, align="center")
    kit.rule_style(document, S["motto_rule"])
    ps(document, S["place_date"], size=_size("place_date"), italic=True, align="center", before=6)
    ps(document, S["type"], size=_size("type"), bold=True, align="center", before=18, keep_next=True)
    ps(document, S["subject"], size=_size("subject"), bold=True, align="center", keep_next=True)
    kit.rule_style(document, S["subject_rule"]).paragraph_format.space_after = Pt(12)
    spacer = kit.paragraph_style(document, S["spacer"], size=1, line=None)
    spacer.paragraph_format.line_spacing = Pt(6)
    body: dict[str, Any] = dict(
        size=_size("body"),
        align="justify",
        after=BODY_SPACE_AFTER_PT,
        line=BODY_LINE_SPACING,
        first_line_cm=BODY_FIRST_LINE_INDENT_CM,
    )
    ps(document, S["addressee"], size=_size("addressee"), align="center", before=12, after=12)
    ps(document, S["body"], **body)
    ps(document, S["heading"], bold=True, keep_next=True, **body)
    ps(document, S["basis"], italic=True, **body)
    ps(document, S["center"], size=_size("body"), bold=True, align="center", before=6, after=6, keep_next=True)
    ps(document, S["table"], size=_size("table"), align="left")
    ps(document, S["table_head"], size=_size("table"), bold=True, align="center")
    ps(document, S["table_center"], size=_size("table"), align="center")
    ps(document, S["recipients_title"], size=_size("recipients_title"), bold=True, italic=True, align="left")
    ps(document, S["recipients"], size=_size("recipients"), align="left")
    ps(document, S["authority"], size=_size("authority"), bold=True, align="center")
    ps(document, S["signer_name"], size=_size("signer_name"), bold=True, align="center", before=80)
    ps(document, S["page_number"], size=_size("page_number"), align="center")
    ps(document, S["draft"], size=_size("page_number"), bold=True, align="right")
    ps(document, S["annex_title"], size=_size("type"), bold=True, align="center", keep_next=True)
    ps(document, S["annex_note"], size=_size("body"), italic=True, align="center", after=12, keep_next=True)
    ps(document, S["figure"], size=_size("body"), align="center", before=6)
    ps(document, S["caption"], size=13, italic=True, align="center", after=BODY_SPACE_AFTER_PT)


def _setup_page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(HEADER_DISTANCE_MM), Mm(HEADER_DISTANCE_MM)
    section.different_first_page_header_footer = True  # no number on page 1
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.style = document.styles[STYLE["page_number"]]
    kit.add_page_field(paragraph)
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = document.styles[STYLE["draft"]]
    first.paragraphs[0].add_run("{{ doc.draft }}")  # "DỰ THẢO" on a draft, empty otherwise


class Writer:
    """Appends styled paragraphs and tables to a template; `tag` writes a docxtpl control paragraph."""

    def __init__(self, kind: str):
        self.kind = kind
        self.document = Document()
        _define_styles(self.document)
        _setup_page(self.document)
        body = self.document.element.body
        for p in list(body.iterchildren()):  # the default document starts with one empty paragraph
            if p.tag.endswith("}p"):
                body.remove(p)

    # paragraphs -------------------------------------------------------------------------------------------
    def p(self, text: str = "", style: str = "body", container=None, runs: list[tuple[str, dict]] | None = None):
        target = container if container is not None else self.document
        paragraph = target.add_paragraph(style=self.document.styles[STYLE[style]])
        if runs:
            for run_text, props in runs:
                run = paragraph.add_run(run_text)
                run.bold = props.get("bold")
                run.italic = props.get("italic")
        elif text:
            paragraph.add_run(text)
        return paragraph

    def tag(self, text: str, container=None):
        """A paragraph holding only a `{%p … %}` tag; docxtpl removes it when rendering."""
        target = container if container is not None else self.document
        return target.add_paragraph(text, style=self.document.styles[STYLE["body"]])

    def heading(self, text: str):
        return self.p(text, "heading")

    def bullets(self, variable: str, *, style: str = "body", prefix: str = "- "):
        """One paragraph per item of a list variable."""
        self.tag(f"{{%p for item in {variable} %}}")
        self.p(f"{prefix}{{{{ item }}}}", style)
        self.tag("{%p endfor %}")

    # header, title, signature ----------------------------------------------------------------------------
    def header(self, *, number: bool = True, brief: bool = False, place_date: bool = True) -> None:
        table = self.document.add_table(rows=2, cols=2)
        kit.borderless(table)
        kit.fixed_widths(table, list(HEADER_COLUMNS_MM), cell_margin_mm=0)
        left, right = table.rows[0].cells
        left2, right2 = table.rows[1].cells
        self._fill(
            left,
            [
                ("{%p if org.parent %}", None),
                ("{{ org.parent }}", "parent"),
                ("{%p endif %}", None),
                ("{%p for line in org.issuer_lines %}", None),
                ("{{ line }}", "issuer"),
                ("{%p endfor %}", None),
                ("", "issuer_rule"),
            ],
        )
        self._fill(right, [(NATIONAL_TITLE, "national"), (MOTTO, "motto"), ("", "motto_rule")])
        lines = [("Số: {{ doc.number }}/{{ doc.symbol }}", "number")] if number else []
        if brief:
            lines.append(("V/v {{ doc.brief }}", "brief"))
        self._fill(left2, lines or [("", "number")])
        self._fill(right2, [("{{ doc.place_date }}", "place_date")] if place_date else [("", "place_date")])

    def _fill(self, cell, lines) -> None:
        first = cell.paragraphs[0]
        for i, (text, style) in enumerate(lines):
            paragraph = first if i == 0 else cell.add_paragraph()
            paragraph.style = self.document.styles[STYLE[style or "body"]]
            if text:
                paragraph.add_run(text)

    def title(self, type_name: str, subject: str = "{{ doc.subject }}") -> None:
        self.p(type_name, "type")
        self.p(subject, "subject")
        self.p("", "subject_rule")

    def signature(self, *, recipients: bool = True) -> None:
        table = self.document.add_table(rows=1, cols=2)
        kit.borderless(table)
        kit.fixed_widths(table, list(SIGNATURE_COLUMNS_MM), cell_margin_mm=0)
        left, right = table.rows[0].cells
        if recipients:
            self._fill(
                left,
                [
                    ("Nơi nhận:", "recipients_title"),
                    ("{%p for r in recipients %}", None),
                    ("- {{ r }};", "recipients"),
                    ("{%p endfor %}", None),
                    ("- Lưu: {{ doc.archive }}.", "recipients"),
                ],
            )
        else:
            self._fill(left, [("", "recipients")])
        self._fill(
            right,
            [
                ("{%p for line in signer.lines %}", None),
                ("{{ line }}", "authority"),
                ("{%p endfor %}", None),
                ("{{ signer.name }}", "signer_name"),
            ],
        )
        kit.cant_split(table.rows[0])

    def two_signatures(self, left_title: str, left_name: str, right_title: str, right_name: str) -> None:
        """Mẫu 1.9: THƯ KÝ (left) and CHỦ TỌA (right), then `Nơi nhận` under them at the left."""
        table = self.document.add_table(rows=2, cols=2)
        kit.borderless(table)
        kit.fixed_widths(table, [TEXT_WIDTH_MM / 2] * 2, cell_margin_mm=0)
        left, right = table.rows[0].cells
        self._fill(left, [(left_title, "authority"), (left_name, "signer_name")])
        self._fill(right, [(right_title, "authority"), (right_name, "signer_name")])
        kit.cant_split(table.rows[0])
        self._fill(
            table.rows[1].cells[0],
            [
                ("Nơi nhận:", "recipients_title"),
                ("{%p for r in recipients %}", None),
                ("- {{ r }};", "recipients"),
                ("{%p endfor %}", None),
                ("- Lưu: {{ doc.archive }}.", "recipients"),
            ],
        )
        self._fill(table.rows[1].cells[1], [("", "recipients")])
        kit.cant_split(table.rows[1])

    # tables -----------------------------------------------------------------------------------------------
    def table(
        self,
        columns: list[tuple[str, float, str]],
        rows_var: str,
        *,
        total: list[str] | None = None,
        row_name: str = "row",
    ) -> None:
        """A grid table: a heading row, then one row per item of `rows_var` (`{%tr for %}`).

        `columns` is (heading, width mm, cell template); the cell template uses `row_name`."""
        n_rows = 4 + (1 if total else 0)
        table = self.document.add_table(rows=n_rows, cols=len(columns))
        kit.grid(table)
        kit.fixed_widths(table, [w for _, w, _ in columns], cell_margin_mm=1.5)
        head, open_row, data, close_row = table.rows[:4]
        kit.repeat_header_row(head)
        for cell, (heading, _, _) in zip(head.cells, columns):
            self._fill(cell, [(heading, "table_head")])
        self._fill(open_row.cells[0], [(f"{{%tr for {row_name} in {rows_var} %}}", "table")])
        for cell, (_, _, template) in zip(data.cells, columns):
            style = "table" if template.endswith("|left") else "table_center"
            self._fill(cell, [(template.removesuffix("|left"), style)])
        kit.cant_split(data)
        self._fill(close_row.cells[0], [("{%tr endfor %}", "table")])
        if total:
            for cell, text in zip(table.rows[4].cells, total):
                self._fill(cell, [(text, "table_head")])
        self.p("", "spacer")  # ≥ 6 pt between a table and the next paragraph

    def annex(self, title: str, subtitle: str, *, heading: str = "Phụ lục") -> None:
        """An appendix in its own section: a new page whose numbering restarts (Decree 30, appendix I, III.1.đ)."""
        kit.section_break(self.document)
        self.p(heading, "annex_title")
        self.p(title, "annex_title")
        self.p(subtitle, "annex_note")

    def save(self, path: Path) -> Path:
        kit.preserve_spaces(self.document)
        props = self.document.core_properties
        props.author, props.title = "evidence", f"Mẫu {self.kind}"
        props.comments = "Decree 30/2020/NĐ-CP template; docxtpl tags; see docs/documents.md"
        import datetime

        props.created = props.modified = datetime.datetime(2025, 1, 1)  # reproducible builds
        props.revision = 1
        path.parent.mkdir(parents=True, exist_ok=True)
        self.document.save(str(path))
        return path


# ------------------------------------------------------------------------------------------------- the kinds


def build_plan(w: Writer) -> None:
    w.header()
    w.title("KẾ HOẠCH")
    w.bullets("legal_bases", style="basis", prefix="")
    w.p("{{ org.issuer_name }} ban hành Kế hoạch {{ campaign.name_lower }} như sau:")
    w.heading("I. MỤC ĐÍCH, YÊU CẦU")
    w.heading("1. Mục đích")
    w.bullets("purposes")
    w.heading("2. Yêu cầu")
    w.bullets("requirements")
    w.heading("II. PHẠM VI, ĐỐI TƯỢNG VÀ THỜI KỲ ĐÁNH GIÁ")
    w.heading("1. Đối tượng đánh giá")
    w.p("Gồm {{ scope.unit_count }} cơ quan, đơn vị: {{ scope.kinds_text }} (danh sách tại Phụ lục kèm theo).")
    w.heading("2. Thời kỳ đánh giá")
    w.p("Từ ngày {{ campaign.period_start }} đến ngày {{ campaign.period_end }}.")
    w.heading("III. NỘI DUNG, PHƯƠNG PHÁP ĐÁNH GIÁ")
    w.heading("1. Nội dung đánh giá")
    w.p(
        "Đánh giá theo {{ framework.name }}, gồm {{ framework.field_count }} lĩnh vực, "
        "{{ framework.criterion_count }} tiêu chí, tiêu chí thành phần; thang điểm {{ framework.max_points }} điểm:"
    )
    w.tag("{%p for f in framework.fields %}")
    w.p("- {{ f.code }}. {{ f.title }}: {{ f.points }} điểm;")
    w.tag("{%p endfor %}")
    w.heading("2. Phương pháp đánh giá")
    w.bullets("methods")
    w.p("Xếp loại theo tỷ lệ phần trăm điểm đạt được trên tổng điểm tối đa của các tiêu chí áp dụng: {{ bands_text }}.")
    w.heading("IV. THỜI GIAN, TIẾN ĐỘ THỰC HIỆN")
    w.table(
        [
            ("STT", 14, "{{ row.no }}"),
            ("Nội dung công việc", 76, "{{ row.task }}|left"),
            ("Thời hạn", 30, "{{ row.deadline }}"),
            ("Đơn vị thực hiện", 45, "{{ row.owner }}|left"),
        ],
        "timetable",
    )
    w.heading("V. TỔ CHỨC THỰC HIỆN")
    w.tag("{%p for r in responsibilities %}")
    w.heading("{{ r.no }}. {{ r.who }}")
    w.p("{{ r.tasks }}")
    w.tag("{%p endfor %}")
    w.p(
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh về "
        "{{ org.standing }} để tổng hợp, báo cáo {{ org.issuer_name }} xem xét, giải quyết./."
    )
    w.signature()
    w.annex(
        "DANH SÁCH CƠ QUAN, ĐƠN VỊ ĐƯỢC ĐÁNH GIÁ",
        "(Kèm theo Kế hoạch số {{ doc.number }}/{{ doc.symbol }} ngày {{ doc.date_short }} của {{ org.issuer_name }})",
    )
    w.table(
        [
            ("STT", 14, "{{ u.no }}"),
            ("Mã", 25, "{{ u.code }}"),
            ("Tên cơ quan, đơn vị", 84, "{{ u.name }}|left"),
            ("Loại hình", 42, "{{ u.kind }}|left"),
        ],
        "units",
        row_name="u",
    )


def _decision_opening(w: Writer) -> None:
    """Header, type line, the authority, the legal bases (italic), the proposer and 'QUYẾT ĐỊNH:'."""
    w.header()
    w.title("QUYẾT ĐỊNH")
    w.p("{{ decision.authority }}", "center")
    w.bullets("legal_bases", style="basis", prefix="")
    w.p("Theo đề nghị của {{ decision.proposer }}.", "basis")
    w.p("QUYẾT ĐỊNH:", "center")


def build_decision(w: Writer) -> None:
    _decision_opening(w)
    w.p(
        runs=[
            ("Điều 1. ", {"bold": True}),
            (
                "Thành lập {{ council.label }} {{ campaign.name_lower }} (sau đây gọi tắt là {{ council.short }}), "
                "gồm các thành viên có tên sau:",
                {},
            ),
        ]
    )
    w.table(
        [
            ("STT", 14, "{{ m.no }}"),
            ("Họ và tên", 46, "{{ m.salutation }} {{ m.name }}|left"),
            ("Chức vụ, đơn vị công tác", 57, "{{ m.title }}|left"),
            ("Nhiệm vụ", 48, "{{ m.role }}"),
        ],
        "council.members",
        row_name="m",
    )
    w.p(runs=[("Điều 2. ", {"bold": True}), ("Nhiệm vụ của {{ council.short }}:", {})])
    w.bullets("council.tasks")
    w.bullets("council.standing", prefix="")
    w.p("{{ council.short }} tự giải thể sau khi hoàn thành nhiệm vụ.")
    w.p(
        runs=[
            ("Điều 3. ", {"bold": True}),
            (
                "Quyết định này có hiệu lực kể từ ngày ký. {{ decision.implementers }} và các thành viên có tên tại "
                "Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
                {},
            ),
        ]
    )
    w.signature()


def build_reminder(w: Writer) -> None:
    w.header(brief=True)
    w.p("Kính gửi: {{ unit.name }}.", "addressee")
    w.p(
        "Thực hiện {{ refs.plan }} về {{ campaign.name_lower }}; qua kiểm tra hồ sơ tự đánh giá và tài liệu kiểm "
        "chứng đến ngày {{ checked_on }}, {{ org.issuer_name }} đề nghị {{ unit.name }} hoàn thiện "
        "{{ items_count }} nội dung sau:"
    )
    w.table(
        [
            ("STT", 14, "{{ row.no }}"),
            ("Tiêu chí", 20, "{{ row.criterion }}"),
            ("Nội dung tiêu chí", 56, "{{ row.title }}|left"),
            ("Nội dung cần hoàn thiện", 75, "{{ row.problems }}|left"),
        ],
        "items",
    )
    w.p(
        "Đề nghị {{ unit.name }} khẩn trương bổ sung, hoàn thiện hồ sơ đối với các nội dung nêu trên và gửi về "
        "{{ org.issuer_name }} trước ngày {{ new_deadline }}{% if deadline_note %} ({{ deadline_note }}){% endif %}. "
        "Quá thời hạn trên, {{ council }} sẽ thẩm định trên cơ sở hồ sơ hiện có./."
    )
    w.signature()


def build_minutes(w: Writer) -> None:
    w.header(place_date=False)
    w.title("BIÊN BẢN")
    w.p("Thời gian bắt đầu: {{ meeting.start }}, ngày {{ meeting.date }}.")
    w.p("Địa điểm: {{ meeting.venue }}.")
    w.p("Thành phần tham dự:")
    w.p("a) Thành viên {{ council.label }}: {{ attendance.quorum }}")
    w.bullets("attendance.present", prefix="- ")
    w.tag("{%p if attendance.absent %}")
    w.p("b) Vắng mặt:")
    w.bullets("attendance.absent", prefix="- ")
    w.tag("{%p else %}")
    w.p("b) Vắng mặt: không có.")
    w.tag("{%p endif %}")
    w.p("c) Đại diện các cơ quan, đơn vị được đánh giá:")
    w.bullets("representatives", prefix="- ")
    w.p("Chủ trì (chủ tọa): {{ chair.salutation }} {{ chair.name }}, {{ chair.title }}, {{ chair.role }}.")
    w.p(
        "Thư ký (người ghi biên bản): {{ secretary.salutation }} {{ secretary.name }}, {{ secretary.title }}, "
        "{{ secretary.role }}."
    )
    w.p("Nội dung:").paragraph_format.keep_with_next = True  # never alone at the foot of a page
    w.heading("I. KẾT QUẢ THẨM ĐỊNH CỦA TỪNG CƠ QUAN, ĐƠN VỊ")
    w.tag("{%p for u in units %}")
    w.heading("{{ u.no }}. {{ u.name }}")
    w.p("{{ u.summary }}")
    w.table(
        [
            ("Lĩnh vực", 75, "{{ f.code }}. {{ f.title }}|left"),
            ("Điểm tối đa", 22, "{{ f.max }}"),
            ("Tự đánh giá", 22, "{{ f.self }}"),
            ("Thẩm định", 22, "{{ f.appraised }}"),
            ("Chênh lệch", 24, "{{ f.diff }}"),
        ],
        "u.fields",
        row_name="f",
        total=["Tổng cộng", "{{ u.max }}", "{{ u.self }}", "{{ u.appraised }}", "{{ u.diff }}"],
    )
    w.tag("{%p for d in u.deductions %}")
    w.p("- {{ d }}")
    w.tag("{%p endfor %}")
    w.tag("{%p if u.note %}")
    w.p("{{ u.note }}")
    w.tag("{%p endif %}")
    w.tag("{%p endfor %}")
    w.heading("II. Ý KIẾN, KIẾN NGHỊ CỦA CÁC CƠ QUAN, ĐƠN VỊ VÀ KẾT QUẢ XEM XÉT")
    w.bullets("objections")
    w.heading("III. KẾT QUẢ THẨM ĐỊNH")
    w.table(
        [
            ("STT", 14, "{{ row.no }}"),
            ("Cơ quan, đơn vị", 50, "{{ row.name }}|left"),
            ("Tự đánh giá", 20, "{{ row.self }}"),
            ("Thẩm định", 20, "{{ row.appraised }}"),
            ("Tối đa", 15, "{{ row.max }}"),
            ("Chỉ số (%)", 19, "{{ row.percent }}"),
            ("Xếp loại", 27, "{{ row.band }}"),
        ],
        "final",
    )
    w.heading("IV. KẾT LUẬN")
    w.bullets("conclusions", prefix="")
    w.p(
        "Cuộc họp kết thúc vào lúc {{ meeting.end }} cùng ngày. Biên bản được lập thành {{ copies }} bản, đã được "
        "đọc lại cho các thành viên dự họp nghe và thống nhất thông qua./."
    )
    w.p("Mã kiểm chứng dữ liệu tại thời điểm lập biên bản: {{ data_code }}.")
    w.two_signatures("THƯ KÝ", "{{ secretary.name }}", "CHỦ TỌA", "{{ chair.name }}")
    w.tag("{%p if appendix.rows %}")
    w.annex(
        "CÁC TIÊU CHÍ BỊ TRỪ ĐIỂM VÀ LÝ DO",
        "(Kèm theo Biên bản số {{ doc.number }}/{{ doc.symbol }} ngày {{ meeting.date }} của {{ org.issuer_name }})",
    )
    w.table(
        [
            ("STT", 14, "{{ row.no }}"),
            ("Cơ quan, đơn vị", 35, "{{ row.unit }}|left"),
            ("Tiêu chí", 18, "{{ row.code }}"),
            ("Tự chấm", 18, "{{ row.self }}"),
            ("Thẩm định", 20, "{{ row.appraised }}"),
            ("Lý do", 60, "{{ row.reason }}|left"),
        ],
        "appendix.rows",
    )
    w.tag("{%p endif %}")


def build_report(w: Writer) -> None:
    w.header()
    w.title("BÁO CÁO")
    w.p("Kính gửi: {{ addressee }}.", "addressee")
    w.p("Thực hiện {{ refs.plan }} về {{ campaign.name_lower }}, {{ org.issuer_name }} báo cáo kết quả như sau:")
    w.heading("I. TÌNH HÌNH TRIỂN KHAI THỰC HIỆN")
    w.bullets("conduct")
    w.heading("II. KẾT QUẢ ĐÁNH GIÁ")
    w.heading("1. Kết quả chung")
    w.bullets("overall")
    w.tag("{%p for b in bands %}")
    w.p("- {{ b.name }} ({{ b.range }}): {{ b.count }} cơ quan, đơn vị{{ b.units_text }};")
    w.tag("{%p endfor %}")
    w.heading("2. Kết quả theo nhóm")
    w.tag("{%p for g in groups %}")
    w.p(
        "{{ loop.index }}) {{ g.name }}: {{ g.count }} cơ quan, đơn vị; chỉ số bình quân {{ g.mean }}%; cao nhất là "
        "{{ g.best }}, thấp nhất là {{ g.worst }}."
    )
    w.table(
        [
            ("Hạng", 15, "{{ row.rank }}"),
            ("Cơ quan, đơn vị", 64, "{{ row.name }}|left"),
            ("Điểm đạt", 20, "{{ row.appraised }}"),
            ("Tối đa", 18, "{{ row.max }}"),
            ("Chỉ số (%)", 21, "{{ row.percent }}"),
            ("Xếp loại", 27, "{{ row.band }}"),
        ],
        "g.rows",
    )
    w.tag("{%p endfor %}")
    w.p("{{ chart }}", "figure")
    w.p("Biểu đồ: Chỉ số (%) của các cơ quan, đơn vị theo thứ tự xếp hạng", "caption")
    w.heading("3. Kết quả theo lĩnh vực")
    w.tag("{%p for f in fields %}")
    w.p("- {{ f.title }}: đạt {{ f.rate }}% tổng số điểm tối đa;")
    w.tag("{%p endfor %}")
    w.heading("4. Các tiêu chí bị trừ điểm nhiều nhất")
    w.table(
        [
            ("STT", 14, "{{ row.no }}"),
            ("Tiêu chí", 20, "{{ row.code }}"),
            ("Nội dung", 81, "{{ row.title }}|left"),
            ("Số đơn vị bị trừ điểm", 25, "{{ row.units }}"),
            ("Tổng điểm bị trừ", 25, "{{ row.points }}"),
        ],
        "most_deducted",
    )
    w.heading("III. ĐÁNH GIÁ CHUNG")
    w.heading("1. Ưu điểm")
    w.tag("{%p if strengths %}")
    w.bullets("strengths")
    w.tag("{%p else %}")
    w.p("Chưa có ưu điểm nổi bật so với năm trước.")
    w.tag("{%p endif %}")
    w.heading("2. Hạn chế, tồn tại")
    w.bullets("limitations")
    w.heading("3. Nguyên nhân")
    w.bullets("causes")
    w.heading("IV. ĐỀ XUẤT, KIẾN NGHỊ")
    w.bullets("recommendations")
    w.p("Trên đây là báo cáo kết quả {{ campaign.name_lower }} của {{ org.issuer_name }}./.")
    w.signature()
    w.annex(
        "BẢNG ĐIỂM CHI TIẾT THEO LĨNH VỰC",
        "(Kèm theo Báo cáo số {{ doc.number }}/{{ doc.symbol }} ngày {{ doc.date_short }} của {{ org.issuer_name }})",
    )
    _score_matrix(w)


def _score_matrix(w: Writer) -> None:
    """Units × fields with dynamic columns (`{%tc for %}`); the column count follows the framework."""
    table = w.document.add_table(rows=4, cols=7)
    kit.grid(table)
    # the two tag cells vanish when rendered; the renderer rescales the columns to the text width
    kit.fixed_widths(table, [10, 45, 4, 14, 4, 18, 20], cell_margin_mm=0.8)
    table._tbl.tblPr.find(qn("w:tblW")).set(qn("w:w"), str(int(Mm(TEXT_WIDTH_MM).twips)))
    head, open_row, data, close_row = table.rows
    kit.repeat_header_row(head)
    for cell, text in zip(
        head.cells,
        [
            "STT",
            "Cơ quan, đơn vị",
            "{%tc for f in appendix.fields %}",
            "{{ f }}",
            "{%tc endfor %}",
            "Tổng",
            "Chỉ số (%)",
        ],
    ):
        w._fill(cell, [(text, "table_head")])
    w._fill(open_row.cells[0], [("{%tr for row in appendix.rows %}", "table")])
    for cell, text in zip(
        data.cells,
        [
            "{{ row.no }}",
            "{{ row.name }}",
            "{%tc for v in row.fields %}",
            "{{ v }}",
            "{%tc endfor %}",
            "{{ row.total }}",
            "{{ row.percent }}",
        ],
    ):
        w._fill(cell, [(text, "table" if text == "{{ row.name }}" else "table_center")])
    w._fill(close_row.cells[0], [("{%tr endfor %}", "table")])
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(10)
    w.p("Ghi chú: {{ appendix.legend }}", "annex_note")


def build_submission(w: Writer) -> None:
    w.header()
    w.title("TỜ TRÌNH")
    w.p("Kính gửi: {{ addressee }}.", "addressee")
    w.bullets("grounds", prefix="")
    w.p("{{ org.issuer_name }} kính trình {{ addressee }} kết quả {{ campaign.name_lower }} như sau:")
    w.heading("1. Kết quả chung")
    w.p(
        "Tổng số {{ stats.units }} cơ quan, đơn vị được đánh giá; chỉ số bình quân đạt {{ stats.mean }}%, cao nhất "
        "{{ stats.max }}%, thấp nhất {{ stats.min }}%; {{ stats.summary }}."
    )
    w.heading("2. Kết quả theo nhóm")
    w.tag("{%p for g in groups %}")
    w.p(
        "- {{ g.name }}: {{ g.count }} cơ quan, đơn vị; chỉ số bình quân {{ g.mean }}%; cao nhất là {{ g.best }}; "
        "thấp nhất là {{ g.worst }};"
    )
    w.tag("{%p endfor %}")
    w.heading("3. Đề xuất")
    w.p("{{ org.issuer_name }} kính đề nghị {{ addressee }}:")
    w.bullets("proposals")
    w.p("{{ org.issuer_name }} kính trình {{ addressee }} xem xét, quyết định./.")
    w.signature()


def build_announcement(w: Writer) -> None:
    _decision_opening(w)
    w.p(
        runs=[
            ("Điều 1. ", {"bold": True}),
            (
                "Phê duyệt và công bố kết quả {{ campaign.name_lower }} (chi tiết tại Phụ lục kèm theo Quyết định "
                "này). Chỉ số bình quân đạt {{ stats.mean }}%; {{ stats.summary }}.",
                {},
            ),
        ]
    )
    w.p(
        runs=[
            ("Điều 2. ", {"bold": True}),
            (
                "Các cơ quan, đơn vị căn cứ kết quả được công bố, phát huy kết quả đạt được, khắc phục những hạn chế, "
                "tồn tại; xây dựng kế hoạch cải thiện các tiêu chí bị trừ điểm trong năm tiếp theo. Giao "
                "{{ org.standing }} theo dõi, đôn đốc, tổng hợp kết quả thực hiện.",
                {},
            ),
        ]
    )
    w.p(
        runs=[
            ("Điều 3. ", {"bold": True}),
            (
                "Quyết định này có hiệu lực kể từ ngày ký. {{ decision.implementers }} chịu trách nhiệm thi hành "
                "Quyết định này./.",
                {},
            ),
        ]
    )
    w.signature()
    w.annex(
        "KẾT QUẢ {{ campaign.name|upper }}",
        "(Kèm theo Quyết định số {{ doc.number }}/{{ doc.symbol }} ngày {{ doc.date_short }} "
        "của {{ org.issuer_name }})",
    )
    w.tag("{%p for g in groups %}")
    w.heading("{{ loop.index }}. {{ g.name }}")
    w.table(
        [
            ("Hạng", 15, "{{ row.rank }}"),
            ("Cơ quan, đơn vị", 64, "{{ row.name }}|left"),
            ("Điểm đạt", 20, "{{ row.appraised }}"),
            ("Tối đa", 18, "{{ row.max }}"),
            ("Chỉ số (%)", 21, "{{ row.percent }}"),
            ("Xếp loại", 27, "{{ row.band }}"),
        ],
        "g.rows",
    )
    w.tag("{%p endfor %}")
    w.p("Mã kiểm chứng dữ liệu kết quả: {{ data_code }}.")


def build_self_report(w: Writer) -> None:
    """The unit's self-assessment report (báo cáo kết quả tự đánh giá, chấm điểm), signed by its head."""
    w.header()
    w.title("BÁO CÁO")
    w.p("Kính gửi: {{ addressee }}.", "addressee")
    w.p(
        "Thực hiện {{ plan_citation }}, {{ unit.name }} báo cáo kết quả tự đánh giá, chấm điểm {{ index_name }} "
        "như sau:"
    )
    w.heading("I. TỔ CHỨC TRIỂN KHAI TỰ ĐÁNH GIÁ")
    w.bullets("organisation", prefix="")
    w.p("{{ facts }}")
    w.heading("II. KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM")
    w.bullets("summary")
    w.p("Kết quả tự đánh giá, chấm điểm theo từng tiêu chí, tiêu chí thành phần như sau:")
    columns = [
        ("Tiêu chí", 17, "{{ row.code }}", "table_center"),
        ("Nội dung", 68, "{{ row.title }}", "table"),
        ("Điểm tối đa", 20, "{{ row.max }}", "table_center"),
        ("Điểm tự đánh giá", 22, "{{ row.self }}", "table_center"),
        ("Ghi chú, giải trình", 38, "{{ row.note }}", "table"),
    ]
    table = w.document.add_table(rows=9, cols=len(columns))
    kit.grid(table)
    kit.fixed_widths(table, [c[1] for c in columns], cell_margin_mm=1.5)
    head, open_row, if_row, group, else_row, leaf, endif_row, close_row, total = table.rows
    kit.repeat_header_row(head)
    for cell, (heading, _, _, _) in zip(head.cells, columns):
        w._fill(cell, [(heading, "table_head")])
    for row, tag in (
        (open_row, "{%tr for row in scores %}"),
        (if_row, "{%tr if row.group %}"),
        (else_row, "{%tr else %}"),
        (endif_row, "{%tr endif %}"),
        (close_row, "{%tr endfor %}"),
    ):
        w._fill(row.cells[0], [(tag, "table")])
    for row, bold in ((group, True), (leaf, False)):  # a field or group row in bold, a scored criterion plain
        for cell, (_, _, template, style) in zip(row.cells, columns):
            w._fill(cell, [(template, style)])
            if bold:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
        kit.cant_split(row)
    for cell, text in zip(total.cells, ["", "Tổng cộng", "{{ total.max }}", "{{ total.self }}", ""]):
        w._fill(cell, [(text, "table_head")])
    w.p("", "spacer")
    w.heading("III. DANH MỤC TÀI LIỆU KIỂM CHỨNG")
    w.tag("{%p for k in evidence %}")
    w.p(runs=[("Tiêu chí {{ k.code }}. ", {"bold": True}), ("{{ k.title }}:", {"bold": True})])
    w.tag("{%p for item in k.lines %}")
    w.p("- {{ item }}")
    w.tag("{%p endfor %}")
    w.tag("{%p endfor %}")
    w.heading("IV. KHÓ KHĂN, VƯỚNG MẮC")
    w.bullets("difficulties")
    w.heading("V. KIẾN NGHỊ, ĐỀ XUẤT")
    w.bullets("proposals")
    w.p(
        "Trên đây là báo cáo kết quả tự đánh giá, chấm điểm {{ index_name }} của {{ unit.name }}, kính gửi "
        "{{ addressee }} xem xét, thẩm định./."
    )
    w.signature()


BUILDERS = {
    "plan": build_plan,
    "decision": build_decision,
    "reminder": build_reminder,
    "minutes": build_minutes,
    "report": build_report,
    "submission": build_submission,
    "announcement": build_announcement,
    "self-report": build_self_report,
}


def build_template(kind: str, path: Path) -> Path:
    writer = Writer(kind)
    BUILDERS[kind](writer)
    return writer.save(path)


def build_all(directory: Path) -> list[Path]:
    return [build_template(kind, Path(directory) / f"{kind}.docx") for kind in KINDS]
