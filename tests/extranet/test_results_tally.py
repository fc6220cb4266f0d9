"""The college-weighted tally against tables computed by hand, as the secretary would
write them: five colleges weighing 30/25/20/15/10 %, the votes for / against /
abstentions of each college, then the weighted result and the outcome.

Within a college, for and against are shares of its votes expressed (abstentions are
not votes expressed); the weighted "for" is the sum of share x (for / expressed).
"""

from decimal import Decimal
from fractions import Fraction

from extranet.constants import Majority
from extranet.services.results import Counts, percent, tally

A, B, C, D, E = 1, 2, 3, 4, 5
SHARES = {A: Decimal(30), B: Decimal(25), C: Decimal(20), D: Decimal(15), E: Decimal(10)}
NAMES = {A: "Salariés", B: "Bénéficiaires", C: "Collectivités", D: "Partenaires", E: "Fondateurs"}


def table(**rows):
    """college letter -> (for, against, abstain)."""
    ids = {"A": A, "B": B, "C": C, "D": D, "E": E}
    return {ids[letter]: Counts(*votes) for letter, votes in rows.items()}


def run(counts, *, majority=Majority.SIMPLE, redistribute=True, shares=SHARES, **kwargs):
    return tally(
        shares=shares,
        counts=counts,
        redistribute=redistribute,
        majority=majority,
        names=NAMES,
        **kwargs,
    )


def lines(result):
    return {line.name: line for line in result.colleges}


def test_five_colleges_weighted_result_adopts_what_the_raw_count_ties():
    # College       share  for against abst.  % for   weighted for
    # Salariés       30 %    6     2     1     75 %    22,5
    # Bénéficiaires  25 %    3     3     0     50 %    12,5
    # Collectivités  20 %    1     3     0     25 %     5
    # Partenaires    15 %    4     0     0    100 %    15
    # Fondateurs     10 %    2     8     0     20 %     2
    # Weighted: 57 % for, 43 % against -> adopted (raw count: 16 for, 16 against).
    result = run(table(A=(6, 2, 1), B=(3, 3, 0), C=(1, 3, 0), D=(4, 0, 0), E=(2, 8, 0)))
    assert result.for_share == Fraction(57, 100)
    assert result.against_share == Fraction(43, 100)
    assert result.adopted
    assert (result.totals.votes_for, result.totals.votes_against) == (16, 16)
    assert result.totals.abstaining == 1
    by_name = lines(result)
    assert percent(by_name["Salariés"].for_ratio) == "75,00\u00a0%"
    assert by_name["Salariés"].expressed == 8  # the abstention is not a vote expressed
    assert percent(by_name["Fondateurs"].against_ratio) == "80,00\u00a0%"
    stored = result.as_result()
    assert stored["for_pct"] == "57,00\u00a0%" and stored["against_pct"] == "43,00\u00a0%"
    assert stored["colleges"][0] == {
        "name": "Salariés",
        "share": "30\u00a0%",
        "weight": "30,00\u00a0%",
        "for": 6,
        "against": 2,
        "abstain": 1,
        "expressed": 8,
        "for_pct": "75,00\u00a0%",
        "against_pct": "25,00\u00a0%",
        "silent": False,
    }
    assert stored["adopted"] is True
    assert stored["reason"].startswith("Adoptée : 57,00\u00a0% des voix pondérées pour")


# A silent college (Fondateurs: two abstentions, no vote expressed):
# College       share  for against  % for   redistributed weight   weighted for
# Salariés       30 %    3     1     75 %    30/90 = 33,33 %        25
# Bénéficiaires  25 %    1     1     50 %    25/90 = 27,78 %        13,89
# Collectivités  20 %    1     3     25 %    20/90 = 22,22 %         5,56
# Partenaires    15 %    1     1     50 %    15/90 = 16,67 %         8,33
# Fondateurs     10 %    0     0      —       0                      —
# Redistributed: 47,5 / 90 = 52,78 % for -> adopted.
# Not redistributed: 47,5 % for, 42,5 % against, 10 % lost -> not more than half: rejected.
SILENT = table(A=(3, 1, 0), B=(1, 1, 0), C=(1, 3, 0), D=(1, 1, 0), E=(0, 0, 2))


def test_a_silent_college_share_is_spread_over_the_others():
    result = run(SILENT, redistribute=True)
    assert result.for_share == Fraction(19, 36)
    assert percent(result.for_share) == "52,78\u00a0%"
    assert percent(result.against_share) == "47,22\u00a0%"
    assert result.adopted
    by_name = lines(result)
    assert by_name["Fondateurs"].silent and by_name["Fondateurs"].weight == 0
    assert percent(by_name["Salariés"].weight) == "33,33\u00a0%"
    assert percent(by_name["Bénéficiaires"].weight) == "27,78\u00a0%"
    assert sum(line.weight for line in result.colleges) == 1
    assert result.lost_share == 0


def test_a_silent_college_share_is_lost_when_the_statutes_say_so():
    result = run(SILENT, redistribute=False)
    assert result.for_share == Fraction(475, 1000)
    assert result.against_share == Fraction(425, 1000)
    assert result.lost_share == Fraction(1, 10)
    assert not result.adopted
    stored = result.as_result()
    assert stored["lost_pct"] == "10,00\u00a0%"
    assert stored["reason"].startswith("Rejetée : 47,50\u00a0% des voix pondérées pour")


def test_abstentions_only_adopt_nothing():
    result = run(table(A=(0, 0, 4), B=(0, 0, 1), E=(0, 0, 2)))
    assert result.for_share is None and not result.adopted
    assert result.totals.abstaining == 7
    assert result.reason == "Rejetée : aucune voix exprimée."
    assert result.as_result()["for_pct"] == "—"


def test_a_weighted_tie_is_rejected():
    # Salariés (30) and Collectivités (20) for, the three others (25 + 15 + 10) against:
    # exactly 50 % for, which is not more than half.
    result = run(table(A=(2, 0, 0), B=(0, 5, 0), C=(1, 0, 0), D=(0, 1, 0), E=(0, 3, 0)))
    assert result.for_share == Fraction(1, 2)
    assert not result.adopted
    assert "il en fallait plus de la moitié" in result.reason


def test_extraordinary_two_thirds_exactly_at_is_adopted_just_below_is_not():
    # Every college 2 for, 1 against: 2/3 exactly, "at least two thirds" -> adopted.
    exactly = run(
        table(A=(2, 1, 0), B=(4, 2, 0), C=(2, 1, 3), D=(6, 3, 0), E=(2, 1, 0)),
        majority=Majority.TWO_THIRDS,
    )
    assert exactly.for_share == Fraction(2, 3)
    assert exactly.adopted
    assert percent(exactly.for_share) == "66,67\u00a0%"
    # Fondateurs 13 for, 7 against (65 %): 0.9 x 2/3 + 0.1 x 0.65 = 66,5 % -> rejected.
    below = run(
        table(A=(2, 1, 0), B=(4, 2, 0), C=(2, 1, 0), D=(6, 3, 0), E=(13, 7, 0)),
        majority=Majority.TWO_THIRDS,
    )
    assert below.for_share == Fraction(665, 1000)
    assert not below.adopted
    assert "il en fallait au moins les deux tiers" in below.reason
    # The same 66,5 % passes a simple majority.
    assert run(table(A=(2, 1, 0), B=(4, 2, 0), C=(2, 1, 0), D=(6, 3, 0), E=(13, 7, 0))).adopted


def test_a_missed_quorum_adopts_nothing_whatever_the_votes():
    result = run(
        table(A=(5, 0, 0), B=(5, 0, 0)),
        quorum_reached=False,
        part_label="extraordinaire",
    )
    assert result.for_share == 1
    assert not result.adopted
    assert result.reason == "Non adoptée : quorum non atteint pour la partie extraordinaire."


def test_without_colleges_one_associate_one_vote():
    # No shares: every ballot weighs the same, whatever the college it was cast in.
    # 7 for, 3 against, 2 abstentions: 70 % of the 10 votes expressed.
    result = run(table(A=(6, 0, 2), E=(1, 3, 0)), shares={})
    assert not result.weighted
    assert result.for_share == Fraction(7, 10)
    assert result.adopted
    stored = result.as_result()
    assert stored["weighted"] is False
    assert stored["reason"].startswith("Adoptée : 70,00\u00a0% des voix exprimées pour")
    assert {line["share"] for line in stored["colleges"]} == {""}
    # A tie without colleges is rejected too.
    assert not run(table(A=(3, 3, 0)), shares={}).adopted


def test_a_college_without_a_share_weighs_nothing():
    # An associate whose college got no share at this assembly: listed, weight zero.
    shares = {A: Decimal(50), B: Decimal(50)}
    result = run(table(A=(1, 0, 0), B=(0, 1, 0), C=(9, 0, 0)), shares=shares)
    assert result.for_share == Fraction(1, 2)
    assert lines(result)["Collectivités"].weight == 0
    assert not result.adopted
