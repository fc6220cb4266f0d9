"""What every PDF of the site shares (receipts, convocation letters, minutes): the
house colours and text styles, and text made safe for reportlab's standard fonts.

The fourteen standard PDF fonts need no file and keep the text extractable; they
encode Windows-1252, which covers French. Other characters (a Polish "ł", a Chinese
name) are transliterated or shown as "?" on the PDF only.
"""

import unicodedata
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle

GREEN = colors.HexColor("#1F5135")
INK = colors.HexColor("#1B1F1D")
LIGHT = colors.HexColor("#EEF3EF")


def pdf_markup(text: str) -> str:
    """Plain text as reportlab paragraph markup: escaped, lines kept, encodable, and a
    no-break space before a colon (French typography: no colon alone on a line)."""
    return escape(pdf_text(text).replace(" :", "\u00a0:")).replace("\n", "<br/>")


def pdf_text(text: str) -> str:
    """`text` in Windows-1252 (what the standard fonts encode): accents that the
    encoding lacks are dropped ("ł" -> "l"), anything else becomes "?"."""
    text = str(text or "")
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        pass
    else:
        return text  # most text: encodable as it is, checked in one call
    out = []
    for char in text:
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            char = _TRANSLITERATE.get(char) or "".join(
                c
                for c in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(c) and _encodable(c)
            )
            char = char or "?"
        out.append(char)
    return "".join(out)


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


_TRANSLITERATE = {
    "\u202f": "\u00a0",  # narrow no-break space (format_eur)
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ı": "i",
    "ħ": "h",
    "\u2212": "-",
}


def base_styles() -> dict[str, ParagraphStyle]:
    """The styles every document starts from: body, title, subtitle, heading, label,
    strong, small."""
    base = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "body": base,
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=15,
            leading=19,
            alignment=TA_CENTER,
            textColor=GREEN,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, alignment=TA_CENTER, fontSize=9),
        "heading": ParagraphStyle(
            "heading",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=11,
            textColor=GREEN,
            spaceBefore=8,
            spaceAfter=3,
        ),
        "label": ParagraphStyle("label", parent=base, fontName="Helvetica-Bold", spaceBefore=2),
        "strong": ParagraphStyle("strong", parent=base, fontName="Helvetica-Bold", spaceBefore=4),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
    }
