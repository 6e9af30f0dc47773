"""The selection rule on hand-made sweep tables: each step of the documented rule, one test each."""

import pandas as pd
import pytest

from customer_segmentation.pipelines.eda.selection import choose_k, find_elbow, parse_n_clusters

THRESHOLDS = {"min_stability": 0.8, "strong_silhouette": 0.5, "weak_silhouette": 0.25}


def _table(silhouette, stability, calinski_harabasz=None, davies_bouldin=None, inertia=None):
    ks = list(range(2, 2 + len(silhouette)))
    return pd.DataFrame({
        "k": ks,
        "inertia": inertia or [1000 / k**2 for k in ks],
        "silhouette": silhouette,
        "calinski_harabasz": calinski_harabasz or [100 * s for s in silhouette],
        "davies_bouldin": davies_bouldin or [1 - s for s in silhouette],
        "stability": stability,
    })


def test_an_unstable_k_cannot_win_however_good_its_indices():
    table = _table(silhouette=[0.40, 0.45, 0.70, 0.30], stability=[0.95, 0.9, 0.5, 0.9])
    choice = choose_k(table, THRESHOLDS)
    assert choice["k"] == 3 and choice["stable_k"] == [2, 3, 5]
    assert choice["structure"] == "moderate"


def test_the_majority_of_the_four_criteria_wins():
    table = _table(silhouette=[0.60, 0.55, 0.40, 0.35, 0.30], stability=[1] * 5,
                   calinski_harabasz=[10, 30, 20, 15, 12], davies_bouldin=[0.9, 0.5, 0.7, 0.8, 0.9],
                   inertia=[100, 40, 35, 32, 30])
    choice = choose_k(table, THRESHOLDS)
    assert choice["votes"] == {"elbow": 3, "silhouette": 2, "calinski_harabasz": 3, "davies_bouldin": 3}
    assert choice["k"] == 3 and "3 of 4 tests agree" in choice["reason"]
    assert choice["structure"] == "strong"


def test_a_tie_goes_to_the_higher_silhouette():
    table = _table(silhouette=[0.60, 0.55, 0.40, 0.35, 0.30], stability=[1] * 5,
                   calinski_harabasz=[10, 12, 30, 15, 12], davies_bouldin=[0.9, 0.5, 0.7, 0.8, 0.9],
                   inertia=[100, 80, 60, 40, 20])
    choice = choose_k(table, THRESHOLDS)
    assert choice["votes"] == {"elbow": None, "silhouette": 2, "calinski_harabasz": 4, "davies_bouldin": 3}
    assert choice["k"] == 2, "one vote each: the higher silhouette decides"


def test_no_stable_k_still_chooses_and_says_weak_with_the_numbers():
    table = _table(silhouette=[0.35, 0.40, 0.30], stability=[0.5, 0.6, 0.4])
    choice = choose_k(table, THRESHOLDS)
    assert choice["k"] == 3 and choice["structure"] == "weak" and choice["stable_k"] == []
    assert "stability 0.60; 0.80 counts as stable" in choice["reason"]
    assert "the silhouette is" not in choice["reason"], "a silhouette of 0.40 is not what makes it weak"


def test_a_low_silhouette_is_weak_even_when_stable():
    choice = choose_k(_table(silhouette=[0.20, 0.22, 0.18], stability=[1, 1, 1]), THRESHOLDS)
    assert choice["structure"] == "weak"
    assert "the silhouette is at most 0.22 for any k (below 0.25" in choice["reason"]


def test_find_elbow_abstains_on_a_straight_line_and_short_curves():
    assert find_elbow(_table([0.3] * 5, [1] * 5, inertia=[50, 40, 30, 20, 10])) is None
    assert find_elbow(_table([0.3] * 2, [1] * 2)) is None


@pytest.mark.parametrize(("value", "expected"), [("auto", None), (" AUTO ", None), (4, 4), ("7", 7)])
def test_parse_n_clusters_accepts_auto_and_whole_numbers(value, expected):
    assert parse_n_clusters(value, rows_total=100) == expected


def test_votes_read_in_words_without_none():
    from customer_segmentation.pipelines.eda.selection import votes_text

    text = votes_text({"elbow": None, "silhouette": 4, "calinski_harabasz": 4, "davies_bouldin": 5})
    assert text == "elbow of the inertia: no clear elbow, silhouette: 4, Calinski-Harabasz: 4, Davies-Bouldin: 5"


def test_a_k_whose_smallest_segment_is_a_handful_of_far_off_customers_cannot_win():
    # k=5 scores best, but only because one $666,666 income became a segment of its own.
    table = _table(silhouette=[0.40, 0.50, 0.60, 0.66], stability=[1, 1, 1, 1]).assign(
        smallest_share=[0.2, 0.2, 0.21, 0.0004])
    thresholds = {**THRESHOLDS, "min_segment_share": 0.01}
    choice = choose_k(table, thresholds)
    assert choice["k"] == 4
    assert "k = 5 was left out: a segment of under 1 % of the customers" in choice["reason"]
    assert choose_k(table, THRESHOLDS)["k"] == 5  # without the setting, the old rule
