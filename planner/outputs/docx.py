"""The printable assignment decision (python-docx), in Vietnamese administrative style.

A4, Times New Roman, the margins of Party documents (top and bottom 2 cm, left 3 cm, right 1.5 cm): the header
(issuing committee left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date right), the title and subject, the
bases, Điều 1–3, recipients and the signature block; then the appendix tables on new pages: charges by member
(Phụ lục 1) and the attendance calendar by month (Phụ lục 2). Every text comes from the template
(``templates/decision.vi.yaml`` or a copy given with ``--decision-template``).
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import yaml
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from planner.errors import InputError
from planner.outputs.facts import Facts
from planner.outputs.labels import Labels

FONT = "Times New Roman"
CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY
TEMPLATE_KEYS = (
    "header",
    "title",
    "subject",
    "authority",
    "bases",
    "decides",
    "articles",
    "recipients",
    "signature",
    "appendix",
)


def default_template_text() -> str:
    return resources.files("planner.outputs").joinpath("templates/decision.vi.yaml").read_text(encoding="utf-8")


def load_template(path: str | Path | None = None) -> dict[str, Any]:
    """The decision template: the packaged one, or an edited copy (checked for the keys it must have)."""
    where = str(path) if path else "planner/outputs/templates/decision.vi.yaml"
    if path:  # an edited copy: read as a scenario is (size, encoding, safe YAML, every error with its line)
        from planner.io import read_yaml_mapping
        from planner.io.text import hidden_character

        data, lines = read_yaml_mapping(path)
        _refuse_hidden(data, (), where, lines, hidden_character)
    try:
        if not path:
            data = yaml.safe_load(default_template_text())
    except (OSError, yaml.YAMLError) as exc:
        raise InputError.one(
            where,
            None,
            None,
            f"cannot read the decision template: {exc}",
            "give a YAML file shaped like the packaged decision.vi.yaml",
        ) from None
    missing = [k for k in TEMPLATE_KEYS if not isinstance(data, dict) or k not in data]
    if missing:
        raise InputError.one(
            where,
            None,
            ", ".join(missing),
            "the decision template lacks these keys",
            "start from a copy of the packaged decision.vi.yaml and keep its keys",
        )
    return data


def _refuse_hidden(value: Any, path: tuple[Any, ...], where: str, lines: dict[Any, int], hidden: Any) -> None:
    """No text of the template holds a control or invisible character (a document cannot hold most of them)."""
    if isinstance(value, str):
        bad = hidden(value)
        if bad is not None:
            line = next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), None)
            field = ".".join(str(p) for p in path) or None
            raise InputError.one(
                where, line, field, f"the text holds the control or invisible character {bad}", "delete it"
            )
    elif isinstance(value, dict):
        for k, v in value.items():
            _refuse_hidden(v, (*path, k), where, lines, hidden)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _refuse_hidden(v, (*path, i), where, lines, hidden)


def template_values(facts: Facts, overrides: dict[str, Any] | None) -> dict[str, str]:
    period = facts.window_text("vi")
    values = {
        "committee": facts.committee_name,
        "COMMITTEE": facts.committee_name.upper(),
        "SUPERIOR": facts.superior_name.upper(),
        "place": facts.place,
        "year": str(facts.start.year),
        "period": period,
        "PERIOD": period.upper(),
        "signer": facts.secretary,
        "scenario": facts.name,
    }
    for k, v in (overrides or {}).items():
        if v not in (None, ""):
            values[str(k)] = str(v)
    return values


class _Writer:
    def __init__(self, template: dict[str, Any], values: dict[str, str]):
        self.t, self.values = template, values
        self.doc = Document()
        self._page_setup(self.doc.sections[0])
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(14)
        rpr = normal.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.append(rfonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), FONT)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.line_spacing = 1.1

    @staticmethod
    def _page_setup(section: Any) -> None:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    def text(self, value: Any, **extra: str) -> str:
        return Template(str(value or "")).safe_substitute({**self.values, **extra})

    def para(
        self,
        container: Any,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        size: float | None = None,
        align: Any = None,
        before: float = 0,
        after: float = 0,
        indent: float | None = None,
    ) -> Any:
        p = container.add_paragraph()
        if text:
            self.run(p, text, bold=bold, italic=italic, underline=underline, size=size)
        if align is not None:
            p.alignment = align
        pf = p.paragraph_format
        pf.space_before, pf.space_after = Pt(before), Pt(after)
        if indent is not None:
            pf.first_line_indent = Cm(indent)
        return p

    @staticmethod
    def run(
        p: Any,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        size: float | None = None,
    ) -> Any:
        r = p.add_run(text)
        r.bold, r.italic, r.underline = bold or None, italic or None, underline or None
        if size is not None:
            r.font.size = Pt(size)
        return r

    @staticmethod
    def cell_para(cell: Any) -> Any:
        """The cell's first (empty) paragraph, to write into instead of adding one below it."""
        return cell.paragraphs[0]

    def borderless(self, rows: int, widths: list[float]) -> Any:
        table = self.doc.add_table(rows=rows, cols=len(widths))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self.set_widths(table, widths)
        return table

    @staticmethod
    def set_widths(table: Any, widths: list[float]) -> None:
        """Column widths in the table grid (what LibreOffice reads) and in every cell (what Word reads)."""
        for col, w in zip(table.columns, widths):
            col.width = Cm(w)
        for row in table.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = Cm(w)

    def grid(self, columns: list[str], widths: list[float]) -> Any:
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self.set_widths(table, widths)
        hdr = table.rows[0]
        trpr = hdr._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        trpr.append(repeat)  # the header row repeats on every page
        for cell, text, w in zip(hdr.cells, columns, widths):
            cell.width = Cm(w)
            p = self.cell_para(cell)
            p.alignment = CENTER
            self.run(p, text, bold=True, size=12)
        return table

    def add_row(
        self, table: Any, values: list[str], widths: list[float], *, center: tuple[int, ...] = (0,), bold: bool = False
    ) -> Any:
        row = table.add_row()
        for i, (cell, text, w) in enumerate(zip(row.cells, values, widths)):
            cell.width = Cm(w)
            lines = str(text).split("\n")
            p = self.cell_para(cell)
            for j, line in enumerate(lines):
                if j:
                    p = cell.add_paragraph()
                self.run(p, line, bold=bold, size=12)
                if i in center:
                    p.alignment = CENTER
        return row

    def merged_row(self, table: Any, text: str, ncols: int) -> None:
        row = table.add_row()
        cell = row.cells[0].merge(row.cells[ncols - 1])
        p = self.cell_para(cell)
        self.run(p, text, bold=True, size=12)

    # ------------------------------------------------------------------------------------------ parts
    def header(self) -> None:
        h = self.t["header"]
        table = self.borderless(1, [7.0, 9.5])
        left, right = table.rows[0].cells
        first = True
        for key, bold in (("superior", False), ("issuer", True), ("star", False), ("number", False)):
            text = self.text(h.get(key))
            if not text.strip():
                continue
            p = self.cell_para(left) if first else left.add_paragraph()
            first = False
            p.alignment = CENTER
            self.run(p, text, bold=bold, size=13 if key != "number" else 14)
        p = self.cell_para(right)
        p.alignment = CENTER
        self.run(p, self.text(h.get("party")), bold=True, underline=True, size=14)
        p = right.add_paragraph()
        p.alignment = CENTER
        p.paragraph_format.space_before = Pt(10)
        self.run(p, self.text(h.get("place_date")), italic=True, size=14)

    def body(self) -> None:
        t = self.t
        self.para(self.doc, self.text(t["title"]), bold=True, size=15, align=CENTER, before=18)
        self.para(self.doc, self.text(t["subject"]), bold=True, align=CENTER, after=2)
        self.para(self.doc, "-----", align=CENTER, after=10)
        self.para(self.doc, self.text(t["authority"]), bold=True, align=CENTER, after=10)
        for line in t.get("bases") or []:
            self.para(self.doc, "- " + self.text(line), italic=True, align=JUSTIFY, indent=1.0, after=3)
        self.para(self.doc, self.text(t["decides"]), bold=True, align=CENTER, before=10, after=10)
        for art in t.get("articles") or []:
            p = self.para(self.doc, align=JUSTIFY, indent=1.0, after=4)
            self.run(p, self.text(art.get("label")) + " ", bold=True)
            self.run(p, self.text(art.get("text")))
            for i, item in enumerate(art.get("items") or [], start=1):
                self.para(self.doc, f"{i}. " + self.text(item), align=JUSTIFY, indent=1.0, after=3)

    def signature(self) -> None:
        rec, sig = self.t["recipients"], self.t["signature"]
        self.para(self.doc, after=6)
        table = self.borderless(1, [8.0, 8.5])
        left, right = table.rows[0].cells
        p = self.cell_para(left)
        self.run(p, self.text(rec.get("title")), bold=True, italic=True, size=12)
        for item in rec.get("items") or []:
            self.run(left.add_paragraph(), self.text(item), size=11)
        p = self.cell_para(right)
        p.alignment = CENTER
        self.run(p, self.text(sig.get("on_behalf")), bold=True)
        p = right.add_paragraph()
        p.alignment = CENTER
        self.run(p, self.text(sig.get("title")), bold=True)
        p = right.add_paragraph()
        p.paragraph_format.space_before = Pt(64)  # room for the signature and the seal
        p.alignment = CENTER
        self.run(p, self.text(sig.get("name")), bold=True)

    def appendix_title(self, part: dict[str, Any]) -> None:
        p = self.para(self.doc, self.text(part.get("label")), bold=True, align=CENTER)
        p.paragraph_format.page_break_before = True  # a new page, without an empty paragraph that could spill
        self.para(self.doc, self.text(part.get("title")), bold=True, align=CENTER, before=4)
        self.para(self.doc, self.text(part.get("note")), italic=True, align=CENTER, size=13, after=10)

    def charges(self, facts: Facts, L: Labels) -> None:
        part = self.t["appendix"]["charges"]
        self.appendix_title(part)
        widths = [1.2, 4.0, 3.6, 6.0, 1.7]
        cols = [self.text(c) for c in part.get("columns") or []]
        table = self.grid(cols, widths)
        committees = list(dict.fromkeys(facts.inst.members[m].committee for m in facts.members))
        n = 0
        for c in committees:
            if len(committees) > 1:
                self.merged_row(table, self.text(part.get("group"), committee_of=facts.unit_name(c)), len(widths))
            for m in facts.members:
                mem = facts.inst.members[m]
                if mem.committee != c:
                    continue
                n += 1
                units = (
                    "\n".join(f"{facts.unit_name(u)} ({L.basis(facts.basis(m, u))})" for u in facts.charges.get(m, []))
                    or "–"
                )
                self.add_row(
                    table,
                    [str(n), mem.name, L.roles(mem.roles), units, str(len(facts.by_member.get(m, [])))],
                    widths,
                    center=(0, 4),
                )

    def calendar(self, facts: Facts, L: Labels) -> None:
        part = self.t["appendix"]["calendar"]
        self.appendix_title(part)
        widths = [1.2, 4.5, 5.4, 5.4]
        table = self.grid([self.text(c) for c in part.get("columns") or []], widths)
        n = 0
        for mo in facts.months:
            self.merged_row(table, self.text(part.get("month"), month=f"{int(mo[5:7])}/{mo[:4]}"), len(widths))
            meetings = facts.meetings_attended.get(mo, [])
            if not meetings:
                row = table.add_row()
                cell = row.cells[0].merge(row.cells[-1])
                self.run(self.cell_para(cell), self.text(part.get("nobody")), italic=True, size=12)
                continue
            for d, u, ms in meetings:
                n += 1
                self.add_row(
                    table,
                    [
                        str(n),
                        f"{L.weekday(d)}, {L.date(d)}",
                        facts.unit_name(u),
                        ", ".join(facts.member_name(m) for m in ms),
                    ],
                    widths,
                )

    def bytes(self) -> bytes:
        props = self.doc.core_properties
        props.author = props.last_modified_by = "planner"
        props.title = self.text(self.t["title"]) + " " + self.text(self.t["subject"])
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def render_docx(facts: Facts, template: dict[str, Any] | None = None) -> bytes:
    """The decision with its two appendix tables; Vietnamese whatever ``--lang`` says."""
    t = template if template is not None else load_template()
    L = Labels("vi")
    w = _Writer(t, template_values(facts, t.get("values")))
    w.header()
    w.body()
    w.signature()
    w.charges(facts, L)
    w.calendar(facts, L)
    return w.bytes()


def docx_texts(data: bytes) -> list[str]:
    """Every paragraph of a DOCX in reading order, table cells included (for tests and golden files)."""
    doc = Document(io.BytesIO(data))
    out: list[str] = []
    body = doc.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            out.append("".join(t.text or "" for t in child.iter(qn("w:t"))))
        elif child.tag == qn("w:tbl"):
            for tr in child.iter(qn("w:tr")):
                cells = []
                for tc in tr.iter(qn("w:tc")):
                    paras = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]
                    cells.append(" / ".join(x for x in paras if x))
                out.append(" | ".join(cells))
    return out
