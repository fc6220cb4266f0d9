"""Amounts in French words, as receipts state them (traditional spelling, see
donations/words.py): each case pins one rule a careless speller breaks."""

import pytest

from donations.words import LIMIT, amount_in_words, number_in_words


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        # The brief's examples.
        (5_000, "cinquante euros"),
        (123_450, "mille deux cent trente-quatre euros et cinquante centimes"),
        (8_000, "quatre-vingts euros"),
        (8_100, "quatre-vingt-un euros"),
        (10_000, "cent euros"),
        (20_000, "deux cents euros"),
        (100, "un euro"),
        (0, "zéro euro"),
        # Singular and plural of the units, cents alone.
        (200, "deux euros"),
        (101, "un euro et un centime"),
        (199, "un euro et quatre-vingt-dix-neuf centimes"),
        (50, "cinquante centimes"),
        (1, "un centime"),
        (80, "quatre-vingts centimes"),
        # The minimum and maximum online gifts.
        (500, "cinq euros"),
        (1_000_000, "dix mille euros"),
        # Millions: a noun, "d'euros" when round.
        (100_000_000, "un million d'euros"),
        (300_000_000, "trois millions d'euros"),
        (100_000_100, "un million un euros"),
        (120_000_000, "un million deux cent mille euros"),
        (
            123_456_789,
            "un million deux cent trente-quatre mille cinq cent soixante-sept euros et quatre-vingt-neuf centimes",
        ),
        (8_000_000_000, "quatre-vingts millions d'euros"),
        (20_000_000_000, "deux cents millions d'euros"),
        (100_000_000_000, "un milliard d'euros"),
    ],
)
def test_amounts_in_words(cents, words):
    assert amount_in_words(cents) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "un"),
        (10, "dix"),
        (11, "onze"),
        (16, "seize"),
        (17, "dix-sept"),
        (19, "dix-neuf"),
        (20, "vingt"),
        # "et" for the ones of 21 to 71, never for 81 and 91.
        (21, "vingt et un"),
        (31, "trente et un"),
        (41, "quarante et un"),
        (51, "cinquante et un"),
        (61, "soixante et un"),
        (71, "soixante et onze"),
        (81, "quatre-vingt-un"),
        (91, "quatre-vingt-onze"),
        # Hyphens below one hundred.
        (22, "vingt-deux"),
        (34, "trente-quatre"),
        (70, "soixante-dix"),
        (72, "soixante-douze"),
        (77, "soixante-dix-sept"),
        (79, "soixante-dix-neuf"),
        (90, "quatre-vingt-dix"),
        (97, "quatre-vingt-dix-sept"),
        (99, "quatre-vingt-dix-neuf"),
        # "cent": never "un cent"; plural only when multiplied and final.
        (100, "cent"),
        (101, "cent un"),
        (180, "cent quatre-vingts"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (280, "deux cent quatre-vingts"),
        (999, "neuf cent quatre-vingt-dix-neuf"),
        # "mille": invariable, never "un mille"; vingt and cent keep no s before it.
        (1_000, "mille"),
        (1_001, "mille un"),
        (2_000, "deux mille"),
        (21_000, "vingt et un mille"),
        (80_000, "quatre-vingt mille"),
        (80_080, "quatre-vingt mille quatre-vingts"),
        (100_000, "cent mille"),
        (200_000, "deux cent mille"),
        (200_200, "deux cent mille deux cents"),
        (999_999, "neuf cent quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf"),
        # "million": a noun, plural, and vingt/cent before it keep their s.
        (1_000_000, "un million"),
        (2_000_000, "deux millions"),
        (1_001_000, "un million mille"),
        (80_000_000, "quatre-vingts millions"),
        (200_000_000, "deux cents millions"),
        (201_000_000, "deux cent un millions"),
        (2_000_000_000, "deux milliards"),
    ],
)
def test_numbers_in_words(n, words):
    assert number_in_words(n) == words


def test_every_number_below_a_million_is_spelled_without_stray_spaces_or_doubles():
    """No empty part, double space, "un mille", "un cent", "et" after quatre-vingt,
    nor a plural "cent"/"vingt" before "mille", anywhere below a million."""
    for n in range(1, 1_000_000, 7):
        words = number_in_words(n)
        assert "  " not in words and words == words.strip(), n
        assert not words.startswith(("un mille", "un cent")), n
        assert "quatre-vingt et" not in words, n
        assert "cents mille" not in words and "vingts mille" not in words, n


def test_refuses_what_is_not_an_amount():
    with pytest.raises(ValueError):
        amount_in_words(-1)
    with pytest.raises(ValueError):
        number_in_words(LIMIT)
    with pytest.raises(TypeError):
        amount_in_words(12.5)
    with pytest.raises(TypeError):
        amount_in_words(True)
