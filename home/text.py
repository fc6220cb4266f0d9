"""What the public types, made safe to store, show and email.

- Control characters (NUL, ESC, CR/LF in a one-line field...) are refused: they
  have no place in a name or a title, and CR/LF would reach email headers.
- Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) and invisible
  characters (zero-width space, word joiner, BOM) are stripped: they let a name
  display as something else in the admin, a public list or an email subject.
- Addresses are compared in one canonical form: `"dup"@example.org` is
  `dup@example.org`, and `@exämple.org` is its punycode form `@xn--exmple-cua.org`.
"""

import contextlib
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bidi embeddings/overrides/isolates, LRM/RLM/ALM, zero-width space/non-joiner,
# word joiner and invisible operators, BOM. The zero-width joiner (U+200D) is kept in
# multi-line text: emoji sequences need it.
_INVISIBLE = "\u200b\u200c\u200e\u200f\u061c\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
INVISIBLE_MULTILINE = re.compile(f"[{_INVISIBLE}]")
INVISIBLE_ONE_LINE = re.compile(f"[{_INVISIBLE}\u200d]")
# C0 and C1 controls and DEL; tabs and newlines are allowed in multi-line text only.
CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` without invisible or direction-changing characters, NFC-normalised.

    Raises ValidationError on control characters (newlines are fine when `multiline`).
    """
    if value is None:
        return value
    value = unicodedata.normalize("NFC", str(value))
    invisible = INVISIBLE_MULTILINE if multiline else INVISIBLE_ONE_LINE
    value = invisible.sub("", value)
    control = CONTROL_MULTILINE if multiline else CONTROL_ONE_LINE
    if control.search(value):
        raise ValidationError(
            _("Ce champ contient des caractères de contrôle : retirez-les.")
            if multiline
            else _("Ce champ tient sur une seule ligne : retirez les retours à la ligne."),
            code="control_characters",
        )
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def one_line(text: str, limit: int = 200) -> str:
    """Headers hold one line: strip invisible characters, collapse whitespace (newlines
    and controls included) and shorten."""
    text = INVISIBLE_ONE_LINE.sub("", str(text))
    text = " ".join(CONTROL_ONE_LINE.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_QUOTED_LOCAL = re.compile(r'^"([^"\\]*)"$')


def normalize_email(address: str) -> str:
    """One canonical form per mailbox, to compare and store addresses.

    The local part loses quotes that change nothing and is lower-cased (every
    provider the site meets treats it so); the domain is lower-cased and written in
    its ASCII (punycode) form.
    """
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address.lower()
    quoted = _QUOTED_LOCAL.match(local)
    if quoted and re.fullmatch(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+", quoted.group(1) or ""):
        local = quoted.group(1)
    domain = domain.strip().rstrip(".").lower()
    # A domain the codec refuses is left as typed (the form's EmailField refused it).
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local.lower()}@{domain}"
