"""The minutes (procès-verbal) of a general assembly as an A4 PDF, in French, ready to
sign: the assembly, its convocation, the attendance per college, the quorum per part,
each resolution's text and results (per college and weighted), the signatures, and
the attendance sheet as an annex.

The page is drawn from what closing the vote stored (`AssemblyResolution.result`,
`GeneralAssemblyPage.quorum_result`) and the attendance sheet, so it says exactly what
the results screen says. The annex (one line an associate: thousands of lines) is
drawn straight on the canvas by `AttendanceRows`, a flowable of fixed-height rows that
splits itself page by page: a reportlab table measures every cell and took seconds for
3,000 associates; this takes a fraction of that.
"""

import functools
import io

from django.utils import formats, timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)

from extranet.constants import ConvocationChannel
from home.pdf import GREEN, LIGHT, base_styles, pdf_markup, pdf_text

MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
# Annex columns: name, organisation, college, status (mm); the text is cut to fit.
ANNEX_HEADER = ("Nom", "Structure", "Collège", "Participation")
ANNEX_COLUMNS = (46 * mm, 36 * mm, 30 * mm, WIDTH - 112 * mm)
ANNEX_ROW = 11  # points
ANNEX_FONT = ("Helvetica", 8)
TABLE_FONT = ("Helvetica", 8.5)


class AttendanceRows(Flowable):
    """Rows of plain text of one height, with a header line, drawn on the canvas and
    split where the page ends (the header repeated on each page)."""

    def __init__(self, rows: list[tuple[str, ...]]):
        super().__init__()
        self.rows = rows

    def wrap(self, available_width, available_height):
        self.width = sum(ANNEX_COLUMNS)
        self.height = ANNEX_ROW * (len(self.rows) + 1)
        return self.width, self.height

    def split(self, available_width, available_height):
        fit = int(available_height // ANNEX_ROW) - 1
        if fit < 1:
            return []
        if fit >= len(self.rows):
            return [self]
        return [AttendanceRows(self.rows[:fit]), AttendanceRows(self.rows[fit:])]

    def draw(self):
        canvas = self.canv
        top = self.height
        canvas.setFillColor(GREEN)
        canvas.rect(0, top - ANNEX_ROW, self.width, ANNEX_ROW, stroke=0, fill=1)
        canvas.setStrokeColor(colors.HexColor("#B9C8BE"))
        canvas.setLineWidth(0.25)
        canvas.lines(
            [
                (0, top - index * ANNEX_ROW, self.width, top - index * ANNEX_ROW)
                for index in range(2, len(self.rows) + 2)
            ]
        )
        # One text object for the page: a drawString per cell costs several times more.
        text = canvas.beginText()
        text.setFillColor(colors.white)
        text.setFont("Helvetica-Bold", ANNEX_FONT[1])
        self._line(text, ANNEX_HEADER, top - ANNEX_ROW + 3)
        text.setFillColor(colors.black)
        text.setFont(*ANNEX_FONT)
        for index, row in enumerate(self.rows, start=2):
            self._line(text, row, top - index * ANNEX_ROW + 3)
        canvas.drawText(text)

    @staticmethod
    def _line(text, cells, y):
        x = 2
        for cell, width in zip(cells, ANNEX_COLUMNS, strict=True):
            text.setTextOrigin(x, y)
            text.textOut(cell)
            x += width


def _date(value, with_time: bool = False) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
        return formats.date_format(value, "j F Y à H\\hi" if with_time else "j F Y")
    return formats.date_format(value, "j F Y")


@functools.lru_cache(maxsize=4096)
def _fit(text: str, width: float, font: tuple[str, float] = ANNEX_FONT) -> str:
    """`text` on one line of `width` points, cut with "…" when longer. Measured only
    when it could be too long (no character is wider than 0.95 em)."""
    text = pdf_text(" ".join(str(text or "").split()))
    if len(text) * font[1] * 0.95 <= width or stringWidth(text, *font) <= width:
        return text
    while text and stringWidth(text + "…", *font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _grid(header_rows: int = 1, total_row: bool = False) -> list:
    style = [
        ("FONT", (0, 0), (-1, -1), *TABLE_FONT),
        ("FONT", (0, 0), (-1, header_rows - 1), "Helvetica-Bold", 8.5),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), GREEN),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), colors.white),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#B9C8BE")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_row:
        style += [
            ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5),
            ("BACKGROUND", (0, -1), (-1, -1), LIGHT),
        ]
    return style


def minutes_pdf(
    *,
    assembly,
    resolutions,
    attendance,
    convocations: dict[str, int],
    shares: dict[str, str],
    organisation_name: str,
    legal_form: str,
) -> bytes:
    """The minutes as PDF bytes.

    `resolutions`: the assembly's resolutions, results stored; `attendance`: an
    `extranet.services.results.Attendance`; `convocations`: channel -> associates
    convened that way; `shares`: college name -> its share as shown ("30 %").
    """
    styles = base_styles()
    p = lambda text, style="body": Paragraph(pdf_markup(text), styles[style])  # noqa: E731
    buffer = io.BytesIO()
    title = f"Procès-verbal : {assembly.title}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=pdf_text(title),
        author=pdf_text(organisation_name),
        subject="Procès-verbal d'assemblée générale",
        creator="Clus'Ter Jura",
        lang="fr-FR",
    )
    kind = assembly.get_kind_display()
    story = [
        p(f"Procès-verbal de l'assemblée générale {kind}", "title"),
        p(f"{organisation_name}, {legal_form}", "subtitle"),
        p(assembly.title, "subtitle"),
        Spacer(1, 4 * mm),
    ]

    # The assembly and its convocation.
    by_email = convocations.get(ConvocationChannel.EMAIL, 0)
    by_post = convocations.get(ConvocationChannel.POST, 0)
    convened = _date(assembly.convocation_sent_at or assembly.convocation_date)
    facts = [
        ("Date", _date(assembly.held_at, with_time=True)),
        ("Lieu", assembly.place),
        ("Nature", f"assemblée générale {kind}"),
        (
            "Convocation",
            f"{assembly.get_convocation_number_display()}, envoyée le {convened} "
            f"({by_email} par courriel, {by_post} par courrier postal)",
        ),
    ]
    if assembly.votes_open_at and assembly.votes_close_at:
        facts.append(
            (
                "Vote en ligne",
                f"ouvert du {_date(assembly.votes_open_at, True)} au "
                f"{_date(assembly.votes_close_at, True)}",
            )
        )
    facts.append(("Vote clos le", _date(assembly.votes_closed_at, True)))
    table = Table(
        [[p(label, "label"), p(value)] for label, value in facts],
        colWidths=[36 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
    )
    story.append(table)

    # Attendance per college.
    story.append(p("Participation", "heading"))
    rows = [
        [
            "Collège",
            "Part des voix",
            "Droit de vote",
            "Présents",
            "En ligne",
            "Représentés",
            "Total",
        ]
    ]
    for college in [*attendance.colleges, attendance.total]:
        rows.append(
            [
                _fit(college.name, 44 * mm - 6, TABLE_FONT),
                shares.get(college.name, ""),
                college.voting_rights,
                college.present,
                college.online,
                college.represented,
                college.participants,
            ]
        )
    table = Table(
        rows, colWidths=[44 * mm] + [(WIDTH - 44 * mm) / 6] * 6, repeatRows=1, hAlign="LEFT"
    )
    table.setStyle(_grid(total_row=True))
    story.append(table)
    story.append(
        p(
            "Présents : émargés sur la feuille de présence ; en ligne : ont voté en ligne "
            "pour eux-mêmes ; représentés : ont donné pouvoir à un associé présent ou qui a "
            "voté. Chacun n'est compté qu'une fois. La feuille de présence est annexée.",
            "small",
        )
    )

    # Quorum per part.
    story.append(p("Quorum", "heading"))
    quorum = assembly.quorum_result or {}
    for part, value in quorum.items():
        if part == "attendance":
            continue
        story.append(
            p(
                f"Partie {value['label']} : {value['participants']} associés présents, "
                f"représentés ou ayant voté en ligne sur {value['voting_rights']} ayant le "
                f"droit de vote, soit {value['rate']} ; quorum requis : {value['required']} "
                f"— {'atteint' if value['reached'] else 'NON ATTEINT'}."
            )
        )

    # Resolutions.
    story.append(p("Résolutions", "heading"))
    for number, resolution in enumerate(resolutions, start=1):
        result = resolution.result or {}
        part = resolution.part(assembly)
        block = [
            p(f"Résolution n° {number} : {resolution.title}", "strong"),
        ]
        if resolution.text:
            block.append(p(resolution.text))
        block.append(
            p(
                f"Partie {quorum.get(part, {}).get('label', part)} · "
                f"{result.get('majority_label') or resolution.get_majority_display()}"
                + (" · vote à bulletin secret" if resolution.secret else ""),
                "small",
            )
        )
        block.append(Spacer(1, 1.5 * mm))
        block.append(_result_table(result))
        block.append(Spacer(1, 1.5 * mm))
        weighted = "pondéré par collège" if result.get("weighted") else "une personne, une voix"
        line = (
            f"Résultat ({weighted}) : {result.get('for_pct', '—')} pour, "
            f"{result.get('against_pct', '—')} contre"
        )
        if result.get("lost_pct"):
            line += f", {result['lost_pct']} des voix non exprimées (collèges silencieux)"
        block.append(p(line + "."))
        block.append(p(result.get("reason") or resolution.outcome_display, "strong"))
        block.append(Spacer(1, 3 * mm))
        story.append(KeepTogether(block))

    # Signatures.
    story.append(
        KeepTogether(
            [
                p("Signatures", "heading"),
                p(
                    "De tout ce que dessus, il a été dressé le présent procès-verbal, signé "
                    "par le président ou la présidente de séance et le ou la secrétaire."
                ),
                Spacer(1, 3 * mm),
                Table(
                    [
                        [
                            pdf_text("Le président ou la présidente de séance"),
                            pdf_text("Le ou la secrétaire de séance"),
                        ],
                        ["Nom :", "Nom :"],
                        ["Signature :", "Signature :"],
                        ["", ""],
                    ],
                    colWidths=[WIDTH / 2, WIDTH / 2],
                    rowHeights=[None, 8 * mm, 8 * mm, 20 * mm],
                    style=[
                        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9.5),
                        ("FONT", (0, 1), (-1, -1), "Helvetica", 9.5),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("BOX", (0, 0), (0, -1), 0.5, GREEN),
                        ("BOX", (1, 0), (1, -1), 0.5, GREEN),
                    ],
                ),
            ]
        )
    )

    # Annex: the attendance sheet.
    story.append(PageBreak())
    story.append(p("Annexe : feuille de présence", "heading"))
    story.append(
        p(
            f"{len(attendance.lines)} associés ayant le droit de vote, par collège puis par nom.",
            "small",
        )
    )
    story.append(
        AttendanceRows(
            [
                tuple(
                    _fit(text, width - 6)
                    for text, width in zip(
                        (
                            line.associate.display_name,
                            line.associate.organisation,
                            line.associate.college.name,
                            line.status,
                        ),
                        ANNEX_COLUMNS,
                        strict=True,
                    )
                )
                for line in attendance.lines
            ]
        )
    )

    footer = pdf_text(f"{organisation_name} · {title}")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(MARGIN, 10 * mm, footer[:110])
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _result_table(result: dict) -> Table:
    """The per-college table of one resolution (one line "Ensemble" without colleges)."""
    weighted = result.get("weighted")
    header = ["Collège"]
    if weighted:
        header += ["Part", "Poids retenu"]
    header += ["Pour", "Contre", "Abst.", "% pour", "% contre"]
    rows = [header]
    for line in result.get("colleges", []):
        row = [_fit(line["name"], 40 * mm - 6, TABLE_FONT)]
        if weighted:
            row += [line["share"], line["weight"]]
        row += [
            line["for"],
            line["against"],
            line["abstain"],
            line["for_pct"],
            line["against_pct"],
        ]
        rows.append(row)
    totals = result.get("totals", {})
    row = ["Résultat pondéré" if weighted else "Ensemble"]
    if weighted:
        row += ["100 %", ""]
    row += [
        totals.get("for", 0),
        totals.get("against", 0),
        totals.get("abstain", 0),
        result.get("for_pct", "—"),
        result.get("against_pct", "—"),
    ]
    rows.append(row)
    rows = [[pdf_text(str(cell)) for cell in r] for r in rows]
    widths = [40 * mm] + [None] * (len(header) - 1)
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_grid(total_row=True))
    return table
