"""Amounts in French words, as a receipt must state them ("somme en toutes lettres").

Traditional spelling (the one of the Cerfa forms and of most accountants), applied
consistently rather than the 1990 rectifications (which hyphenate every numeral:
"mille-deux-cent-trente-quatre"):

- a hyphen joins tens and units below one hundred ("trente-quatre",
  "quatre-vingt-dix-sept"), except where "et" does ("vingt et un", "soixante et
  onze"); "quatre-vingt-un" takes no "et";
- "vingt" (in "quatre-vingts") and "cent" take an "s" when multiplied and ending the
  number, or before "million"/"milliard" (nouns), never before "mille" (an
  adjective): "deux cents euros", "deux cent mille euros", "deux cents millions";
- "mille" never varies and is never preceded by "un"; "million" and "milliard" do
  and are: "un million", "deux millions", and a round number of them takes
  "d'euros" ("un million d'euros").
"""

UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}
# Beyond this, amounts are no gift to a local fund: refuse rather than guess.
LIMIT = 10**12


def _below_100(n: int, *, final: bool) -> str:
    """0 < n < 100; `final`: nothing multiplies it further ("quatre-vingts" keeps its s)."""
    if n < 17:
        return UNITS[n]
    if n < 20:
        return f"dix-{UNITS[n - 10]}"
    tens, unit = divmod(n, 10)
    if tens == 7:  # soixante-dix, soixante et onze, soixante-douze...
        return "soixante et onze" if n == 71 else f"soixante-{_below_100(n - 60, final=final)}"
    if tens in (8, 9):  # quatre-vingts, quatre-vingt-un, quatre-vingt-dix...
        if n == 80:
            return "quatre-vingts" if final else "quatre-vingt"
        return f"quatre-vingt-{_below_100(n - 80, final=final)}"
    if unit == 0:
        return TENS[tens]
    if unit == 1:
        return f"{TENS[tens]} et un"
    return f"{TENS[tens]}-{UNITS[unit]}"


def _below_1000(n: int, *, final: bool) -> str:
    """0 < n < 1000; `final`: it ends the number or comes before million/milliard."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds == 1:
        words.append("cent")
    elif hundreds:
        words.append(f"{UNITS[hundreds]} cent" + ("s" if final and not rest else ""))
    if rest:
        words.append(_below_100(rest, final=final))
    return " ".join(words)


def number_in_words(n: int) -> str:
    """A whole number in French words (traditional spelling): 1234 -> "mille deux cent
    trente-quatre"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("number_in_words takes an int")
    if n < 0:
        raise ValueError("number_in_words takes no negative number")
    if n >= LIMIT:
        raise ValueError(f"number_in_words stops below {LIMIT}")
    if n == 0:
        return UNITS[0]
    billions, n = divmod(n, 10**9)
    millions, n = divmod(n, 10**6)
    thousands, units = divmod(n, 1000)
    words = []
    for count, noun in ((billions, "milliard"), (millions, "million")):
        if count:
            words.append(f"{_below_1000(count, final=True)} {noun}" + ("s" if count > 1 else ""))
    if thousands == 1:
        words.append("mille")
    elif thousands:
        words.append(f"{_below_1000(thousands, final=False)} mille")
    if units:
        words.append(_below_1000(units, final=True))
    return " ".join(words)


def amount_in_words(cents: int) -> str:
    """An amount of integer cents of EUR in French words, as on a tax receipt.

    5000 -> "cinquante euros"; 123450 -> "mille deux cent trente-quatre euros et
    cinquante centimes"; 100 -> "un euro"; 0 -> "zéro euro"; 50 -> "cinquante
    centimes"; 100000000 -> "un million d'euros".
    """
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError("amount_in_words takes integer cents")
    if cents < 0:
        raise ValueError("amount_in_words takes no negative amount")
    euros, rest = divmod(cents, 100)
    centimes = f"{number_in_words(rest)} centime" + ("s" if rest > 1 else "")
    if euros == 0 and rest:
        return centimes
    words = number_in_words(euros)
    if euros >= 10**6 and euros % 10**6 == 0:
        words += " d'euros"  # "un million d'euros", "deux milliards d'euros"
    else:
        words += " euros" if euros > 1 else " euro"
    return f"{words} et {centimes}" if rest else words
