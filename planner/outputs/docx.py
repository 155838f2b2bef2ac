"""The documents one signs (python-docx), in the form of Hướng dẫn 36-HD/VPTW: the assignment decision of each
issuing committee, the decision that amends (or replaces) the one in force after a re-plan, and a notice to
each cell of who attends its meetings (Hướng dẫn 42-HD/BTCTW).

A4, margins 2 / 2 / 3 / 1.5 cm, Times New Roman. The heading: the superior organisation (14, upright) over the
issuer (14, bold), ``*``, the number with the issuer's suffix (QĐ/ĐU, QĐ/HU, QĐ/TU; 14); on the right
**ĐẢNG CỘNG SẢN VIỆT NAM** (15, bold, underlined) over the place and date (14, italic). The kind of document
(QUYẾT ĐỊNH, 16 bold), its subject (14 bold), the authority, Căn cứ, Điều 1…n (14), Nơi nhận (14 underlined,
the lines 12), and the signature block (14 bold). Pages are numbered at the top from page 2 (a PAGE field;
the first page has its own empty header). Table rows never split across pages, header rows repeat, a month's
heading stays with its first row. Every text comes from the template (``templates/decision.vi.yaml`` or a copy
given with ``--decision-template``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
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
from planner.outputs.labels import ROLE_ORDER, Labels
from planner.outputs.party import Committee, committee_info

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
# the number's blank, to be filled in by hand when the document is signed
BLANK_NUMBER = "      "
_KINDS_BY_NUMBER = {"QĐ": "Quy định", "HD": "Hướng dẫn", "CV": "Công văn", "NQ": "Nghị quyết", "CT": "Chỉ thị"}


def default_template_text() -> str:
    return resources.files("planner.outputs").joinpath("templates/decision.vi.yaml").read_text(encoding="utf-8")


def load_template(path: str | Path | None = None) -> dict[str, Any]:
    """The decision template: the packaged one, or an edited copy (checked for the keys it must have; the
    optional keys it leaves out — amendment, notice, central_sources… — are the packaged ones)."""
    where = str(path) if path else "planner/outputs/templates/decision.vi.yaml"
    default = yaml.safe_load(default_template_text())
    if not path:
        return default
    from planner.io import read_yaml_mapping
    from planner.io.text import hidden_character

    data, lines = read_yaml_mapping(path)  # read as a scenario is: size, encoding, safe YAML, errors with lines
    _refuse_hidden(data, (), where, lines, hidden_character)
    missing = [k for k in TEMPLATE_KEYS if not isinstance(data, dict) or k not in data]
    if missing:
        raise InputError.one(
            where,
            None,
            ", ".join(missing),
            "the decision template lacks these keys",
            "start from a copy of the packaged decision.vi.yaml and keep its keys",
        )
    return {**default, **data}


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


# ============================================================================================== values
def short_date(d: dt.date) -> str:
    """16/4/2019: a date as a citation writes it."""
    return f"{d.day}/{d.month}/{d.year}"


def long_date(d: dt.date | None, year: int) -> str:
    """ "ngày 05 tháng 01 năm 2026", or its blanks ("ngày    tháng    năm 2026") when the date is not known."""
    if d is None:
        return f"ngày    tháng    năm {year}"
    return f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class InForce:
    """The decision in force that an amendment amends (or a new decision replaces): its number and date as the
    user gives them (``12`` or ``12-QĐ/ĐU``; a date), and whether the new one replaces it."""

    number: str = ""
    date: dt.date | None = None
    replace: bool = False


def full_number(number: str, suffix: str, kind: str = "QĐ") -> str:
    """``12`` → ``12-QĐ/ĐU``; a number with its letters stays."""
    number = number.strip()
    if not number:
        return f"{BLANK_NUMBER}-{kind}/{suffix}"
    return number if "-" in number or "/" in number else f"{number}-{kind}/{suffix}"


def _kind_of_number(number: str) -> str:
    """``1764-QĐ/TU`` → Quy định, ``42-HD/BTCTW`` → Hướng dẫn, ``747-CV/TU`` → Công văn…"""
    m = re.search(r"-([A-ZĐ]+)/", number)
    return _KINDS_BY_NUMBER.get(m.group(1), "Văn bản") if m else "Văn bản"


def source_kind(src: Any) -> str:
    """A source's kind as given, else read from its number."""
    return str(src.kind) if getattr(src, "kind", "") else _kind_of_number(str(src.number))


def cited_sources(facts: Facts, cid: str, on: dt.date, template: dict[str, Any]) -> list[dict[str, Any]]:
    """What the decision of ``cid`` cites, in force on ``on``: the scenario's sources for its members, then the
    template's central documents the scenario does not list itself; each by date."""
    own = [
        {"kind": source_kind(s), "number": s.number, "date": s.date, "issuer": s.issuer, "title": s.title}
        for s in facts.sources_for(cid, on)
    ]
    numbers = {str(s.number).strip().lower() for s in facts.inst.scenario.sources}
    central = []
    for s in template.get("central_sources") or []:
        d = _as_date(s.get("date"))
        start, end = _as_date(s.get("valid_from")) or d, _as_date(s.get("valid_to"))
        if d is None or str(s.get("number", "")).strip().lower() in numbers:
            continue
        if start is not None and start <= on and (end is None or end >= on):
            central.append({**s, "date": d, "kind": s.get("kind") or _kind_of_number(str(s.get("number", "")))})
    return sorted(own + central, key=lambda s: s["date"])


def committee_values(
    facts: Facts, cid: str, template: dict[str, Any], in_force: InForce | None = None
) -> dict[str, str]:
    """Every placeholder of the template for the documents of committee ``cid``."""
    c = committee_info(facts.inst, cid)
    overrides = {str(k): v for k, v in (template.get("values") or {}).items() if v not in (None, "")}
    period = facts.window_text("vi")
    signed = _as_date(overrides.get("date"))
    signer, position = facts.signer(cid)
    values = {
        "committee": c.name,
        "COMMITTEE": c.name.upper(),
        "organisation": c.organisation,
        "SUPERIOR": c.superior.upper(),
        "superior_committee": c.superior_committee,
        "word": c.word,
        "suffix": c.suffix,
        "office": c.office,
        "proposer": c.proposer,
        "units_concerned": "Các chi bộ trực thuộc" if c.level == "commune" else "Các tổ chức đảng có liên quan",
        "term_text": f", nhiệm kỳ {c.term}" if c.term else "",
        "place": c.place,
        "number": BLANK_NUMBER,
        "date_text": long_date(signed, facts.start.year),
        "year": str(facts.start.year),
        "period": period,
        "PERIOD": period.upper(),
        "signer": signer,
        "POSITION": position,
        "scenario": facts.name,
    }
    for k, v in overrides.items():
        if k != "date":
            values[k] = str(v)
    if in_force is not None:
        am = template.get("amendment") or {}
        extra = {
            "in_force_number": full_number(in_force.number, c.suffix),
            "in_force_date": short_date(in_force.date) if in_force.date else f"   /   /{facts.start.year}",
        }
        key = "in_force" if in_force.number or in_force.date else "in_force_blank"
        values["in_force"] = Template(str(am.get(key, ""))).safe_substitute({**values, **extra})
    return values


def decision_date(facts: Facts, template: dict[str, Any]) -> dt.date:
    """The day the decision is taken to speak on (which documents are in force): ``values: date`` of the
    template, else the plan's first day."""
    return _as_date((template.get("values") or {}).get("date")) or facts.start


# ============================================================================================== writer
class _Writer:
    def __init__(self, template: dict[str, Any], values: dict[str, str]):
        self.t, self.values = template, values
        self.doc = Document()
        section = self.doc.sections[0]
        self._page_setup(section)
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
        self._page_numbers(section)

    @staticmethod
    def _page_setup(section: Any) -> None:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        section.header_distance = Cm(1.0)

    def _page_numbers(self, section: Any) -> None:
        """The page number at the top centre, from page 2 (the first page's own header stays empty)."""
        section.different_first_page_header_footer = True
        p = section.header.paragraphs[0]
        p.alignment = CENTER
        run = p.add_run()
        run.font.size = Pt(14)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
            if kind is not None:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
                run._r.append(el)
            elif text == " PAGE ":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                t = OxmlElement("w:t")
                t.text = text
                run._r.append(t)

    def text(self, value: Any, **extra: str) -> str:
        return Template(str(value or "")).safe_substitute({**self.values, **extra})

    def filled(self, value: Any, **extra: str) -> str | None:
        """The text, or None when a placeholder it names is empty (a recipient nobody is)."""
        names = re.findall(r"\$\{?([A-Za-z_]\w*)\}?", str(value or ""))
        if any(not {**self.values, **extra}.get(n, "x") for n in names):
            return None
        return self.text(value, **extra)

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
        keep: bool = False,
    ) -> Any:
        p = container.add_paragraph()
        if text:
            self.run(p, text, bold=bold, italic=italic, underline=underline, size=size)
        if align is not None:
            p.alignment = align
        pf = p.paragraph_format
        pf.space_before, pf.space_after = Pt(before), Pt(after)
        if keep:
            pf.keep_with_next = True
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

    @staticmethod
    def keep_whole(row: Any, header: bool = False) -> None:
        """The row never splits across pages; a header row repeats at the top of every page."""
        trpr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        trpr.insert(0, cant)  # cantSplit comes before tblHeader in the schema
        if header:
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            trpr.append(repeat)

    def grid(self, columns: list[str], widths: list[float], size: float = 12) -> Any:
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self.set_widths(table, widths)
        hdr = table.rows[0]
        self.keep_whole(hdr, header=True)
        for cell, text, w in zip(hdr.cells, columns, widths):
            cell.width = Cm(w)
            p = self.cell_para(cell)
            p.alignment = CENTER
            self.run(p, text, bold=True, size=size)
        return table

    def add_row(
        self,
        table: Any,
        values: list[str],
        widths: list[float],
        *,
        center: tuple[int, ...] = (0,),
        bold: bool = False,
        size: float = 12,
        keep: bool = False,
    ) -> Any:
        row = table.add_row()
        self.keep_whole(row)
        for i, (cell, text, w) in enumerate(zip(row.cells, values, widths)):
            cell.width = Cm(w)
            lines = str(text).split("\n")
            p = self.cell_para(cell)
            for j, line in enumerate(lines):
                if j:
                    p = cell.add_paragraph()
                self.run(p, line, bold=bold, size=size)
                p.paragraph_format.line_spacing = 1.0
                if keep:
                    p.paragraph_format.keep_with_next = True
                if i in center:
                    p.alignment = CENTER
        return row

    def merged_row(self, table: Any, text: str, ncols: int, *, italic: bool = False, keep: bool = True) -> None:
        """A row across the table (a month's heading: kept with the row below it)."""
        row = table.add_row()
        self.keep_whole(row)
        cell = row.cells[0].merge(row.cells[ncols - 1])
        p = self.cell_para(cell)
        p.paragraph_format.keep_with_next = keep
        self.run(p, text, bold=not italic, italic=italic, size=12)

    # ------------------------------------------------------------------------------------------ parts
    def header(self, number: str | None = None) -> None:
        h = self.t["header"]
        table = self.borderless(1, [8.0, 8.5])
        left, right = table.rows[0].cells
        first = True
        lines = (
            ("superior", False, h.get("superior")),
            ("issuer", True, h.get("issuer")),
            ("star", False, h.get("star")),
            ("number", False, number if number is not None else h.get("number")),
        )
        for key, bold, value in lines:
            text = self.text(value)
            if not text.strip():
                continue
            p = self.cell_para(left) if first else left.add_paragraph()
            first = False
            p.alignment = CENTER
            self.run(p, text, bold=bold, size=14 if len(text) <= 26 else 13)  # a long name: 13, on one line
            if key == "star":
                p.paragraph_format.space_after = Pt(2)
        p = self.cell_para(right)
        p.alignment = CENTER
        self.run(p, self.text(h.get("party")), bold=True, underline=True, size=15)
        p = right.add_paragraph()
        p.alignment = CENTER
        p.paragraph_format.space_before = Pt(12)
        self.run(p, self.text(h.get("place_date")), italic=True, size=14)

    def title_block(self, title: str, subject: str) -> None:
        self.para(self.doc, self.text(title), bold=True, size=16, align=CENTER, before=18, keep=True)
        self.para(self.doc, self.text(subject), bold=True, size=14, align=CENTER, after=2, keep=True)
        self.para(self.doc, "-----", align=CENTER, after=10, keep=True)

    def bases(self, lines: Iterable[str], sources: list[dict[str, Any]]) -> None:
        self.para(self.doc, self.text(self.t["authority"]), bold=True, align=CENTER, after=10, keep=True)
        for line in lines:
            if str(line).strip() == "$sources":
                for s in sources:
                    text = self.text(
                        self.t.get("source_line") or "Căn cứ $kind số $number ngày $date của $issuer $title;",
                        kind=str(s.get("kind", "")),
                        number=str(s.get("number", "")),
                        date=short_date(s["date"]),
                        issuer=str(s.get("issuer", "")),
                        title=str(s.get("title", "")),
                    )
                    self.para(
                        self.doc, "- " + re.sub(r"\s+", " ", text), italic=True, align=JUSTIFY, indent=1.0, after=3
                    )
                continue
            self.para(self.doc, "- " + self.text(line), italic=True, align=JUSTIFY, indent=1.0, after=3)
        self.para(self.doc, self.text(self.t["decides"]), bold=True, align=CENTER, before=10, after=10, keep=True)

    def articles(self, articles: list[dict[str, Any]], last_extra: str = "", **extra: str) -> None:
        for i, art in enumerate(articles):
            last = i == len(articles) - 1
            p = self.para(self.doc, align=JUSTIFY, indent=1.0, after=4, keep=last)  # the last with the signature
            self.run(p, self.text(art.get("label"), **extra) + " ", bold=True)
            self.run(p, self.text(art.get("text"), **extra) + (last_extra if last else ""))
            for j, item in enumerate(art.get("items") or [], start=1):
                self.para(self.doc, f"{j}. " + self.text(item, **extra), align=JUSTIFY, indent=1.0, after=3)

    def signature(
        self,
        recipients: dict[str, Any] | list[str],
        on_behalf: str,
        title: str,
        name: str,
        space: float = 64,
    ) -> None:
        items = recipients.get("items") if isinstance(recipients, dict) else recipients
        head = recipients.get("title", "Nơi nhận:") if isinstance(recipients, dict) else "Nơi nhận:"
        self.para(self.doc, after=6, keep=True)
        table = self.borderless(1, [8.0, 8.5])
        self.keep_whole(table.rows[0])
        left, right = table.rows[0].cells
        p = self.cell_para(left)
        self.run(p, self.text(head), underline=True, size=14)
        for item in items or []:
            text = self.filled(item)
            if text:
                self.run(left.add_paragraph(), text, size=12)
        p = self.cell_para(right)
        p.alignment = CENTER
        self.run(p, self.text(on_behalf), bold=True, size=14)
        p = right.add_paragraph()
        p.alignment = CENTER
        self.run(p, self.text(title), bold=True, size=14)
        p = right.add_paragraph()
        p.paragraph_format.space_before = Pt(space)  # room for the signature and the seal
        p.alignment = CENTER
        self.run(p, self.text(name), bold=True, size=14)

    def appendix_title(self, part: dict[str, Any]) -> None:
        p = self.para(self.doc, self.text(part.get("label")), bold=True, align=CENTER, keep=True)
        p.paragraph_format.page_break_before = True  # a new page, without an empty paragraph that could spill
        self.para(self.doc, self.text(part.get("title")), bold=True, align=CENTER, before=4, keep=True)
        self.para(self.doc, self.text(part.get("note")), italic=True, align=CENTER, size=13, after=10, keep=True)

    def bytes(self, title: str) -> bytes:
        props = self.doc.core_properties
        props.author = props.last_modified_by = "planner"
        props.title = title
        # a fixed time, so the same plan gives the same document
        props.created = props.modified = dt.datetime(2000, 1, 1)
        props.revision = 1
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


# ============================================================================================== the people
def position_text(facts: Facts, m: str, c: Committee) -> str:
    """The Chức vụ of a member in the decision of committee ``c``: the party post on it (Bí thư Đảng ủy,
    Huyện ủy viên…), the government post (``title``), and the person's seats on other committees."""
    inst = facts.inst
    mem = inst.members[m]
    role = next((r for r in ROLE_ORDER if r in mem.roles), None)
    post = {
        "secretary": f"Bí thư {c.word}",
        "deputy_secretary": f"Phó Bí thư {c.word}",
        "standing": f"Ủy viên Ban Thường vụ {c.word}",
        "executive": c.executive_title,
        "leader": "Cán bộ lãnh đạo, quản lý",
    }.get(role or "", "")
    parts = [post] if post else []
    if mem.title:
        parts.append(mem.title)
    for other in facts.seats(m):
        if other == m or inst.members[other].committee == c.id:
            continue
        o = inst.members[other]
        oc = committee_info(inst, o.committee) if o.committee in inst.units else None
        if oc is None:
            continue
        orole = next((r for r in ROLE_ORDER if r in o.roles), None)
        seat = {
            "secretary": f"Bí thư {oc.name}",
            "deputy_secretary": f"Phó Bí thư {oc.name}",
            "standing": f"Ủy viên Ban Thường vụ {oc.name}",
            "executive": f"Ủy viên Ban Chấp hành {oc.organisation}",
        }.get(orole or "")
        if seat:
            parts.append(seat)
        if o.title and o.title not in parts:
            parts.append(o.title)
    return ", ".join(parts) or "–"


def _people(facts: Facts, cid: str) -> list[list[str]]:
    """The committee's members, one list per person (their seats on this committee)."""
    groups: dict[str, list[str]] = {}
    for m in facts.committee_members(cid):
        groups.setdefault(facts.person(m), []).append(m)
    return list(groups.values())


def _names(facts: Facts, members: Iterable[str], unit: str | None = None) -> str:
    """Members' names, each person once; with ``unit``, an attendance at one's own cell marked."""
    L = Labels("vi")
    seen: dict[str, str] = {}
    for m in members:
        seen.setdefault(facts.person(m), facts.member_name(m) + (facts.own_mark(m, unit, L) if unit else ""))
    return ", ".join(seen.values())


# ============================================================================================== decision
def render_decision(
    facts: Facts, cid: str, template: dict[str, Any] | None = None, in_force: InForce | None = None
) -> bytes:
    """The assignment decision of committee ``cid`` with its two appendices; with ``in_force`` replacing
    (``replace``), it says it replaces that decision."""
    t = template if template is not None else load_template()
    c = committee_info(facts.inst, cid)
    values = committee_values(facts, cid, t, in_force if in_force and in_force.replace else None)
    w = _Writer(t, values)
    w.header()
    w.title_block(t["title"], t["subject"])
    w.bases(t.get("bases") or [], cited_sources(facts, cid, decision_date(facts, t), t))
    replace = w.text(t.get("replace_clause", "")) if in_force is not None and in_force.replace else ""
    w.articles(t.get("articles") or [], last_extra=replace)
    sig = t["signature"]
    w.signature(t["recipients"], sig.get("on_behalf", ""), sig.get("title", ""), sig.get("name", ""))
    _charges_appendix(w, facts, c)
    _calendar_appendix(w, facts, c)
    return w.bytes(w.text(t["title"]) + " " + w.text(t["subject"]))


def _charges_appendix(w: _Writer, facts: Facts, c: Committee) -> None:
    L = Labels("vi")
    part = w.t["appendix"]["charges"]
    w.appendix_title(part)
    widths = [1.3, 3.7, 4.3, 5.5, 1.7]
    table = w.grid([w.text(x) for x in part.get("columns") or []], widths)
    qualify = c.level != "commune"
    for n, seats in enumerate(_people(facts, c.id), start=1):
        m = seats[0]
        units = [facts.charge_text(s, u, L, qualify) for s in seats for u in facts.charges[s]]
        count = sum(len(facts.by_member.get(s, [])) for s in seats)
        service = facts.service_text(m, L)
        name = facts.member_name(m) + (f"\n({service})" if service else "")
        w.add_row(
            table,
            [str(n), name, position_text(facts, m, c), "\n".join(units) or "–", str(count)],
            widths,
            center=(0, 4),
        )
    teams = [
        (t, units)
        for t, units in facts.team_charges
        if any(facts.inst.members[p].committee == c.id for p in t.everyone if p in facts.inst.members)
    ]
    if teams:  # the work teams (Nghị quyết 77): who they are and what they are in charge of, under the table
        w.para(w.doc, w.text(part.get("teams", "Các tổ công tác:")), bold=True, size=13, before=8, keep=True)
        for t, units in teams:
            text = f"- {facts.team_text(t, L)}; phụ trách: {', '.join(facts.unit_label(u, qualify) for u in units)}."
            w.para(w.doc, text, size=13, align=JUSTIFY, after=2)


def _calendar_appendix(w: _Writer, facts: Facts, c: Committee) -> None:
    L = Labels("vi")
    part = w.t["appendix"]["calendar"]
    w.appendix_title(part)
    widths = [1.2, 4.7, 5.6, 5.0]
    table = w.grid([w.text(x) for x in part.get("columns") or []], widths)
    mine = set(facts.committee_members(c.id))
    qualify = c.level != "commune"
    n = 0
    for mo in facts.months:
        w.merged_row(table, w.text(part.get("month"), month=f"{int(mo[5:7])}/{mo[:4]}"), len(widths))
        meetings = [(d, u, [m for m in ms if m in mine]) for d, u, ms in facts.meetings_attended.get(mo, [])]
        meetings = [x for x in meetings if x[2]]
        if not meetings:
            w.merged_row(table, w.text(part.get("nobody")), len(widths), italic=True, keep=False)
            continue
        for d, u, ms in meetings:
            n += 1
            when = f"{L.weekday(d)}, {L.date(d)}"
            info = facts.meeting_info(u, mo)
            if info["time"]:
                when += f", {info['time']}"
            elif info["session"]:
                when += f", {SESSIONS_VI.get(info['session'], info['session'])}"
            w.add_row(table, [str(n), when, facts.unit_label(u, qualify), _names(facts, ms, u)], widths)


SESSIONS_VI = {"morning": "buổi sáng", "afternoon": "buổi chiều", "evening": "buổi tối"}


# ============================================================================================== amendment
@dataclass(frozen=True)
class Change:
    """One changed decision as an amendment lists it."""

    what: str  # a key of the template's amendment.changes
    member: str | None
    unit: str
    before: str
    after: str


def committee_changes(facts: Facts, cid: str, diff: Any, committee_of: dict[str, str]) -> list[Change]:
    """The changes of ``diff`` (a `planner.replan.diff.PlanDiff`: the plan in force → the new plan) that the
    committee ``cid`` decides: its members' charges and attendances, and the meeting dates of the units under
    it or attended by its members; each once, in the diff's order."""
    L = Labels("vi")
    inst = facts.inst
    mine = {m for m, c in committee_of.items() if c == cid}
    out: list[Change] = []
    for m, u in diff.charges_added:
        if m in mine:
            out.append(Change("charge_added", m, u, "–", "in_charge"))
    for m, u in diff.charges_removed:
        if m in mine:
            out.append(Change("charge_removed", m, u, "in_charge", "–"))
    attended: set[str] = {u for m, u, _ in facts.plan.attendance if m in mine}
    for m, u, _mo, d in diff.att_added:
        if m in mine:
            out.append(Change("attend_added", m, u, "–", L.date(d)))
    for m, u, _mo, d in diff.att_removed:
        if m in mine:
            attended.add(u)
            out.append(Change("attend_removed", m, u, L.date(d), "–"))
    for m, u, _mo, a, b in diff.att_moved:
        if m in mine:
            out.append(Change("attend_moved", m, u, L.date(a), L.date(b)))

    def concerns(u: str) -> bool:
        return u in attended or (u in inst.units and inst.is_under(u, cid) and u != cid)

    for u, _mo, a, b in diff.meetings_moved:
        if concerns(u):
            out.append(Change("meeting_moved", None, u, L.date(a), L.date(b)))
    for u, _mo, d in diff.meetings_added:
        if concerns(u):
            out.append(Change("meeting_added", None, u, "–", L.date(d)))
    for u, _mo, d in diff.meetings_removed:
        if concerns(u):
            out.append(Change("meeting_removed", None, u, L.date(d), "–"))
    return out


def render_amendment(
    facts: Facts,
    cid: str,
    changes: list[Change],
    names: Any,
    template: dict[str, Any] | None = None,
    in_force: InForce | None = None,
) -> bytes:
    """The decision that amends (sửa đổi, bổ sung) the one in force: only ``changes``, in its appendix."""
    t = template if template is not None else load_template()
    am = t.get("amendment") or {}
    c = committee_info(facts.inst, cid)
    values = committee_values(facts, cid, t, in_force or InForce())
    words = am.get("changes") or {}
    counts: dict[str, int] = {}
    for ch in changes:
        counts[ch.what] = counts.get(ch.what, 0) + 1
    values["changes"] = "; ".join(f"{words.get(k, k).lower()}: {n}" for k, n in counts.items()) or "không"
    w = _Writer(t, values)
    w.header()
    w.title_block(t["title"], am.get("subject", ""))
    bases = list(t.get("bases") or [])
    at = next((i for i, b in enumerate(bases) if str(b).strip() == "$sources"), len(bases) - 1)
    bases[at + 1 : at + 1] = am.get("bases_extra") or []
    w.bases(bases, cited_sources(facts, cid, decision_date(facts, t), t))
    w.articles(am.get("articles") or [])
    sig = t["signature"]
    w.signature(t["recipients"], sig.get("on_behalf", ""), sig.get("title", ""), sig.get("name", ""))
    part = am.get("appendix") or {}
    w.appendix_title(part)
    widths = [1.2, 3.5, 3.3, 4.0, 2.3, 2.2]
    table = w.grid([w.text(x) for x in part.get("columns") or []], widths, size=11)
    qualify = c.level != "commune"

    def unit_name(u: str) -> str:
        return facts.unit_label(u, qualify) if u in facts.inst.units else names.unit(u)

    for n, ch in enumerate(changes, start=1):
        member = (
            (facts.member_name(ch.member) if ch.member in facts.inst.members else names.member(ch.member))
            if (ch.member)
            else "–"
        )
        before = words.get(ch.before, ch.before)
        after = words.get(ch.after, ch.after)
        w.add_row(
            table,
            [str(n), words.get(ch.what, ch.what), member, unit_name(ch.unit), before, after],
            widths,
            center=(0, 4, 5),
            size=11,
        )
    return w.bytes(w.text(t["title"]) + " " + w.text(am.get("subject", "")))


# ============================================================================================== notices
def notice_units(facts: Facts) -> list[str]:
    """The units that get a notice: every unit some member attends, in scenario order."""
    attended = {u for _, u, _ in facts.plan.attendance}
    return [u for u in facts.inst.units if u in attended]


def issuer_of(facts: Facts, u: str) -> str | None:
    """The committee a unit belongs to: its nearest committee above it (a committee unit: itself)."""
    inst = facts.inst
    for a in inst.ancestors.get(u, ()):
        if a != u and inst.units[a].is_committee:
            return a
    return u if inst.units[u].is_committee else None


def render_notice(facts: Facts, u: str, template: dict[str, Any] | None = None) -> bytes:
    """One page to the secretary of unit ``u``: month by month, who attends its meeting, when and where."""
    t = template if template is not None else load_template()
    nt = t.get("notice") or {}
    L = Labels("vi")
    inst = facts.inst
    cid = issuer_of(facts, u) or u
    values = committee_values(facts, cid, t)
    hd42 = any("42-HD/BTCTW" in str(s.get("number")) for s in cited_sources(facts, cid, decision_date(facts, t), t))
    unit_name = facts.unit_name(u)
    values["unit"] = unit_name
    values["hd42"] = ""
    w = _Writer(t, values)
    w.values["hd42"] = w.text(nt.get("hd42", "")) if hd42 else ""
    w.header(number=nt.get("number", "Số $number-TB/$suffix"))
    w.para(w.doc, w.text(nt.get("title")), bold=True, size=16, align=CENTER, before=14, keep=True)
    w.para(w.doc, w.text(nt.get("subject")), bold=True, size=14, align=CENTER, keep=True)
    w.para(w.doc, "-----", align=CENTER, after=8, keep=True)
    w.para(w.doc, w.text(nt.get("to")), align=CENTER, size=14, after=8)
    w.para(w.doc, w.text(nt.get("intro")), align=JUSTIFY, indent=1.0, size=13, after=6)
    rows: list[tuple[str, str, str, str]] = []
    for mo in facts.months:
        for d, _x, ms in [x for x in facts.meetings_attended.get(mo, []) if x[1] == u]:
            info = facts.meeting_info(u, mo)
            when = f"{L.weekday(d)}, {L.date(d)}"
            if info["time"]:
                end = ""
                if info["duration"]:
                    start = dt.datetime.combine(d, dt.time.fromisoformat(info["time"]))
                    end = f"–{(start + dt.timedelta(minutes=info['duration'])).strftime('%H:%M')}"
                when += f"\n{info['time']}{end}"
                if info["session"]:
                    when += f" ({SESSIONS_VI.get(info['session'], info['session'])})"
            elif info["session"]:
                when += f"\n{SESSIONS_VI.get(info['session'], info['session'])}"
            people, seen = [], set()
            for m in ms:
                if facts.person(m) in seen:
                    continue
                seen.add(facts.person(m))
                mc = inst.members[m].committee
                c = committee_info(inst, mc) if mc in inst.units else None
                pos = position_text(facts, m, c) if c is not None else ""
                own = facts.own_mark(m, u, L)
                people.append(facts.member_name(m) + (f", {pos}" if pos and pos != "–" else "") + own)
            rows.append((f"Tháng {int(mo[5:7])}", when, info["place"] or "", "\n".join(people)))
    columns = [w.text(x) for x in nt.get("columns") or []]
    with_place = any(r[2] for r in rows) and len(columns) >= 4
    if with_place:
        widths = [2.1, 4.6, 3.2, 6.6]
        rows = [(a, b, c or w.text(nt.get("unknown_place")), d) for a, b, c, d in rows]
    else:  # no place known: the column says nothing, and the member's line gets its width
        widths = [2.1, 4.6, 9.8]
        columns = [columns[0], columns[1], columns[-1]]
        rows = [(a, b, d, "") for a, b, _c, d in rows]
    table = w.grid(columns, widths)
    timed = any("\n" in r[1] for r in rows)  # two lines a month: a smaller size keeps the notice on one page
    for row in rows:
        w.add_row(table, list(row[: len(widths)]), widths, center=(0,), size=10.5 if timed else 12)
    w.para(w.doc, w.text(nt.get("ask")), align=JUSTIFY, indent=1.0, size=12 if timed else 13, before=6, keep=True)
    signer_title = nt.get("signer_title", "")
    w.signature(nt.get("recipients") or [], nt.get("on_behalf", ""), signer_title, "", space=36 if timed else 48)
    return w.bytes(w.text(nt.get("title")) + " " + w.text(nt.get("subject")) + " — " + unit_name)


# ============================================================================================== files
def _safe(text: str) -> str:
    from planner.outputs.ics import safe_name

    return safe_name(text)


def decision_files(
    facts: Facts,
    template: dict[str, Any] | None = None,
    committee: str | None = None,
    diff: Any = None,
    committee_of: dict[str, str] | None = None,
    in_force: InForce | None = None,
    old_committees: set[str] | None = None,
) -> dict[str, bytes]:
    """Every document of the plan, name → bytes: one decision per issuing committee (``decision.docx`` when
    there is one, or ``committee`` picks one; else ``decision-<committee id>.docx`` each), with ``diff`` (the
    plan in force → this plan) an amendment per committee whose decisions changed (``amendment.docx`` /
    ``amendment-<id>.docx``; none with ``in_force.replace``: the decisions then replace the one in force;
    none for a committee not in ``old_committees``, the units of the scenario in force when known: a committee
    founded since, by a merger, has no decision in force to amend, its decision is a new one), and a notice
    per attended unit (``notices/<unit id>.docx``)."""
    t = template if template is not None else load_template()
    cids = [committee] if committee else facts.issuing_committees
    if not cids and facts.committee:
        cids = [facts.committee]
    single = len(cids) == 1
    out: dict[str, bytes] = {}
    for cid in cids:
        name = "decision.docx" if single else f"decision-{_safe(cid)}.docx"
        replacing = in_force if (diff is not None and in_force is not None and in_force.replace) else None
        out[name] = render_decision(facts, cid, t, replacing)
    if diff is not None and not (in_force is not None and in_force.replace):
        owners = committee_of or {m: x.committee for m, x in facts.inst.members.items()}
        made = {}
        for cid in cids:
            if old_committees is not None and cid not in old_committees:
                continue
            changes = committee_changes(facts, cid, diff, owners)
            if changes:
                made[cid] = render_amendment(facts, cid, changes, diff.names, t, in_force)
        for cid, data in made.items():
            out["amendment.docx" if single else f"amendment-{_safe(cid)}.docx"] = data
    units = notice_units(facts)
    if committee:
        units = [u for u in units if issuer_of(facts, u) == committee or u == committee]
    for u in units:
        out[f"notices/{_safe(u)}.docx"] = render_notice(facts, u, t)
    return out


def render_docx(facts: Facts, template: dict[str, Any] | None = None, committee: str | None = None) -> bytes:
    """The decision of one committee (``committee``, else the first issuing one)."""
    cid = committee or (facts.issuing_committees or [facts.committee])[0]
    if cid is None:
        raise ValueError("the scenario has no committee that issues a decision")
    return render_decision(facts, cid, template)


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
