"""The draw algorithm as a pure function: reproducible, stratified, fair."""

import math
from collections import Counter

from supervision import draw as algo


def snapshot(sizes=None, officers=range(1, 6), excluded=None, fixed=None):
    sizes = sizes or {"A": 20, "B": 10, "C": 10, "D": 5}
    population, n = [], 0
    for grade, size in sizes.items():
        for _ in range(size):
            n += 1
            population.append([n, grade])
    return {
        "population": population,
        "directed": [],
        "officers": list(officers),
        "excluded": excluded or {},
        "ratios": {"A": "0.05", "B": "0.10", "C": "0.30", "D": "0.60"},
        "fixed": fixed,
        "team_size": 2,
    }


SEED = "0123456789abcdef0123456789abcdef"


def test_same_seed_and_snapshot_give_the_same_draw():
    assert algo.compute(SEED, snapshot()) == algo.compute(SEED, snapshot())
    other = algo.compute("f" * 32, snapshot())
    assert [p.enterprise_id for p in other] != [
        p.enterprise_id for p in algo.compute(SEED, snapshot())
    ]


def test_quota_per_stratum_is_ceil_of_ratio():
    picks = algo.compute(SEED, snapshot())
    per_grade = Counter(p.grade for p in picks)
    # A: ceil(0.05*20)=1, B: ceil(0.1*10)=1, C: ceil(0.3*10)=3, D: ceil(0.6*5)=3
    assert per_grade == {"A": 1, "B": 1, "C": 3, "D": 3}
    assert all(p.mode == "random" for p in picks)


def test_fixed_number_is_spread_over_the_strata_in_proportion():
    assert algo.quotas({"A": 20, "B": 10, "C": 10, "D": 5}, {}, 9) == {
        "A": 4,
        "B": 2,
        "C": 2,
        "D": 1,
    }
    picks = algo.compute(SEED, snapshot(fixed=9))
    assert len(picks) == 9


def test_every_team_has_two_and_exclusions_are_respected():
    excluded = {str(e): [1, 2, 3] for e in range(1, 46)}
    picks = algo.compute(SEED, snapshot(excluded=excluded))
    for p in picks:
        assert len(p.inspectors) == 2
        assert set(p.inspectors) == {4, 5}


def test_too_few_inspectors_is_refused():
    try:
        algo.compute(SEED, snapshot(officers=[1]))
    except algo.DrawError as exc:
        assert "不足 2 人" in str(exc)
    else:
        raise AssertionError("a draw with one inspector must be refused")


def test_snapshot_hash_changes_with_the_snapshot():
    changed = snapshot()
    changed["population"][0][1] = "D"
    assert algo.snapshot_sha256(changed) != algo.snapshot_sha256(snapshot())


def test_selection_frequency_stays_within_bounds_of_the_stratum_ratio():
    """Over 10,000 seeded draws each enterprise is drawn about as often as its
    stratum's quota / size says (within 5 standard deviations)."""
    runs = 10_000
    snap = snapshot(officers=[1, 2])
    counts = Counter()
    for i in range(runs):
        for p in algo.compute(f"{i:032x}", snap):
            counts[p.enterprise_id] += 1
    expected = {"A": 1 / 20, "B": 1 / 10, "C": 3 / 10, "D": 3 / 5}
    for enterprise_id, grade in snap["population"]:
        p = expected[grade]
        bound = 5 * math.sqrt(p * (1 - p) / runs)
        assert abs(counts[enterprise_id] / runs - p) <= bound, (enterprise_id, grade)
