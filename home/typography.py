"""French typography: the no-break spaces that keep punctuation with its word.

French puts a space before `: ; ! ?` and inside « », and that space must never break
a line: a colon or a guillemet alone at the start of a line reads as a mistake.

- `:` and the inside of « » take a no-break space (U+00A0);
- `; ! ?` take a narrow no-break space (U+202F), as the Imprimerie nationale does.

An ordinary space in those places becomes the no-break one; a missing space is added
before `: ; ! ?` only between a word and the end of a phrase (`Attention:` but not
`14:30`, `http://`, `?page=2` nor `Vraiment ?!`), and inside « » always. Addresses
(`https://…`, `www.…`, `mailto:…`, `nom@exemple.fr`) are left exactly as they are.

`french_spacing(text)` works on plain text (an email's text part, a title before it
is escaped); `french_spacing_html(html)` on HTML: only the text between tags changes,
never a tag, an attribute, an entity or the inside of <script>, <style>, <pre>,
<code>, <kbd>, <samp> and <textarea>, so valid HTML stays valid. Both are idempotent.
The template filter is `typo` (`home.templatetags.typography`).
"""

import html
import re

NBSP = "\u00a0"
NNBSP = "\u202f"
# The space each mark takes before it.
SPACE_BEFORE = {":": NBSP, ";": NNBSP, "!": NNBSP, "?": NNBSP, "»": NBSP}
HIGH_MARKS = ":;!?"
MARKS = re.compile(r"[:;!?«»]")
SPACES = " \t\n\r\u00a0\u202f\u2009\u2007"
NO_BREAK = "\u00a0\u202f"
# After a high mark, what ends a phrase: a space, the end, closing punctuation.
PHRASE_END = SPACES + ")]»\"'’.,…:;!?"
# An address, kept whole: a URL with a scheme, www.…, mailto:…, an email address.
# Punctuation right after an address ends the sentence, not the address.
ADDRESS = re.compile(
    r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bwww\.|\bmailto:)(?:[^\s<>\"]*[^\s<>\".,;:!?)»'’])?"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
)
# Markup and entities: a tag, a comment, a doctype, a character reference.
MARKUP = re.compile(
    r"(<!--.*?-->|<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);)", re.S
)
TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
# Elements whose content is never touched (code, preformatted text, scripts).
RAW_ELEMENTS = {"script", "style", "pre", "code", "kbd", "samp", "textarea"}
# Inline elements: text runs on across them ("<strong>Marie</strong>!").
INLINE_ELEMENTS = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "data", "dfn", "em", "i", "mark", "q", "s",
    "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
}  # fmt: skip


def _is_word_end(char: str) -> bool:
    """A character a high mark may follow directly: a letter, a digit, a closing sign."""
    return bool(char) and (char.isalnum() or char in ")]»\"'’…")


def _space_run(text: str, before: str = "", after: str = "") -> str:
    """French spacing on a run of text without markup nor address; `before` and
    `after` are the visible characters around it (another run, an entity), or ""."""
    out = []
    length = len(text)
    for index, char in enumerate(text):
        previous = text[index - 1] if index else before
        following = text[index + 1] if index + 1 < length else after
        if char == " ":
            if following in SPACE_BEFORE:
                out.append(SPACE_BEFORE[following])
                continue
            if previous == "«":
                out.append(NBSP)
                continue
        elif char in HIGH_MARKS:
            if _is_word_end(previous) and (following == "" or following in PHRASE_END):
                out.append(SPACE_BEFORE[char])
        elif char == "»" and previous and previous not in SPACES:
            out.append(NBSP)
        out.append(char)
        if char == "«" and following and following not in SPACES:
            out.append(NBSP)
    return "".join(out)


def _space_text(text: str, before: str = "", after: str = "") -> str:
    """`_space_run` on the text between the addresses, which stay as they are."""
    if not MARKS.search(text):
        return text  # most text: nothing to look at
    pieces = []
    position = 0
    for match in ADDRESS.finditer(text):
        start, end = match.span()
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((match.group(), True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    out = []
    for number, (piece, is_address) in enumerate(pieces):
        if is_address:
            out.append(piece)
            continue
        left = pieces[number - 1][0][-1] if number else before
        right = pieces[number + 1][0][0] if number + 1 < len(pieces) else after
        out.append(_space_run(piece, left, right))
    return "".join(out)


def french_spacing(text: str) -> str:
    """Plain text with French no-break spaces (see the module's docstring)."""
    if not text:
        return text
    return _space_text(str(text))


def french_spacing_html(markup: str) -> str:
    """HTML with French no-break spaces in its text only; tags, attributes, entities and
    code are kept byte for byte."""
    if not markup:
        return markup
    parts = MARKUP.split(str(markup))
    # For each part: ("text" | "entity" | "tag", visible character(s), breaks the run).
    kinds = []
    raw_depth = 0
    for number, part in enumerate(parts):
        if number % 2 == 0:
            kinds.append(("raw" if raw_depth else "text", part, False))
            continue
        if part.startswith("&"):
            kinds.append(("entity", html.unescape(part), False))
            continue
        name_match = TAG_NAME.match(part)
        name = name_match.group(2).lower() if name_match else ""
        if name in RAW_ELEMENTS:
            closing = bool(name_match.group(1))
            raw_depth = max(0, raw_depth - 1) if closing else raw_depth + 1
        kinds.append(("tag", "", name not in INLINE_ELEMENTS))

    def neighbour(start: int, step: int) -> str:
        """The first visible character from part `start` on, walking by `step`, within
        the same run of text (a block tag or code ends the run)."""
        index = start
        while 0 <= index < len(kinds):
            kind, visible, breaks = kinds[index]
            if kind == "raw" or breaks:
                return ""
            if visible:
                return visible[0] if step > 0 else visible[-1]
            index += step
        return ""

    out = []
    for number, (kind, _visible, _breaks) in enumerate(kinds):
        part = parts[number]
        if kind == "text" and part:
            part = _space_text(part, neighbour(number - 1, -1), neighbour(number + 1, 1))
        out.append(part)
    return "".join(out)
