"""Plain-word names, descriptions and suggested actions for segments, from their centres.

Everything is derived from each centre's z-scores against the whole population
(``z = (centre - population mean) / population sd``, per feature):

* A feature *stands out* when ``|z| >= threshold`` (0.5 sd by default): "high income",
  "low spend", "young", ...
* Recognisable personas take precedence, checked in the order of ``PERSONAS``: e.g.
  low spending + high savings + older -> "Conservative savers".
* Otherwise the name lists the ``max_traits`` most distinctive traits (largest ``|z|``),
  written age first, then in the order of ``FEATURES``: "Young, high spend, low savings".
* Nothing stands out -> "Average customers".
* Names are unique within a run: segments sharing a name get the comparative of the
  feature on which they differ most ("... (older)", "... (younger)"), then a number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from customer_segmentation.schema import FEATURE_INFO, FEATURES

AVERAGE_NAME = "Average customers"
AVERAGE_ACTION = "Broad seasonal campaigns; A/B test offers to find what moves this segment."

# feature -> (word when low, word when high)
TRAITS: dict[str, tuple[str, str]] = {
    "annual_income": ("low income", "high income"),
    "spending_score": ("low spend", "high spend"),
    "savings": ("low savings", "high savings"),
    "age": ("young", "older"),
}
COMPARATIVES: dict[str, tuple[str, str]] = {
    "annual_income": ("lower income", "higher income"),
    "spending_score": ("lower spend", "higher spend"),
    "savings": ("lower savings", "higher savings"),
    "age": ("younger", "older"),
}
# Age reads best first ("Young, high spend"); the rest follow the schema's order.
PHRASE_ORDER: tuple[str, ...] = ("age", *(f for f in FEATURES if f != "age"))

# The strongest trait's action when no persona matches: (feature, direction) -> action.
TRAIT_ACTIONS: dict[tuple[str, int], str] = {
    ("annual_income", 1): "Upsell premium products and services.",
    ("annual_income", -1): "Value offers and flexible payment options.",
    ("spending_score", 1): "Loyalty rewards and cross-selling to keep their spending high.",
    ("spending_score", -1): "Re-engagement offers and reminders to lift spending.",
    ("savings", 1): "Promote savings, investment and insurance products.",
    ("savings", -1): "Budget-friendly bundles and instalment options.",
    ("age", 1): "Personal service, reassurance and loyalty benefits.",
    ("age", -1): "Mobile-first, social-media campaigns with trend-led products.",
}


@dataclass(frozen=True)
class Persona:
    """A named pattern: every feature in ``traits`` stands out in the given direction."""

    name: str
    traits: Mapping[str, int]
    action: str


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "Conservative savers",
        {"spending_score": -1, "savings": 1, "age": 1},
        "Savings, investment and insurance products through trusted, personal channels; no hard sell.",
    ),
    Persona(
        "High income, high spenders",
        {"annual_income": 1, "spending_score": 1},
        "Premium loyalty programme: early access, exclusive products and personal service.",
    ),
    Persona(
        "Budget-conscious",
        {"annual_income": -1, "spending_score": -1},
        "Value bundles, discounts and price-match messages; keep premium upsell to a minimum.",
    ),
)


def name_segment(z: Mapping[str, float], threshold: float = 0.5, max_traits: int = 3) -> tuple[str, str]:
    """Names one segment from its centre's z-scores.

    Args:
        z: Centre z-score per feature.
        threshold: ``|z|`` from which a feature stands out.
        max_traits: Most traits listed in a name that is not a persona.

    Returns:
        The name and a suggested action.
    """
    directions = {f: int(np.sign(v)) for f, v in z.items() if abs(v) >= threshold}
    for persona in PERSONAS:
        if all(directions.get(f) == d for f, d in persona.traits.items()):
            return persona.name, persona.action
    if not directions:
        return AVERAGE_NAME, AVERAGE_ACTION
    strongest = sorted(directions, key=lambda f: (-abs(z[f]), _position(f)))[:max_traits]
    words = [TRAITS[f][directions[f] > 0] for f in sorted(strongest, key=_position)]
    name = ", ".join(words)
    return name[0].upper() + name[1:], TRAIT_ACTIONS[(strongest[0], directions[strongest[0]])]


def make_unique(names: Sequence[str], z: np.ndarray, features: Sequence[str]) -> list[str]:
    """Tells apart segments that share a name.

    Args:
        names: One name per segment, in segment order.
        z: Centre z-scores, one row per segment, columns in ``features`` order.
        features: Feature names.

    Returns:
        The names, each one unique: duplicates get the comparative of the feature on
        which they differ most, e.g. "Average customers (older)", then a number if needed.
    """
    unique = list(names)
    for name in sorted(set(names)):
        members = [i for i, n in enumerate(names) if n == name]
        if len(members) < 2:
            continue
        spread = z[members].max(axis=0) - z[members].min(axis=0)
        j = int(np.argmax(spread))
        if spread[j] == 0:
            continue
        middle = np.median(z[members, j])
        for i in members:
            low, high = COMPARATIVES.get(features[j], (f"lower {features[j]}", f"higher {features[j]}"))
            unique[i] = f"{name} ({high if z[i, j] > middle else low})"
    totals, seen = Counter(unique), Counter()
    for i, name in enumerate(unique):
        if totals[name] > 1:
            seen[name] += 1
            unique[i] = f"{name} {seen[name]}"
    return unique


def describe_segment(centre: Mapping[str, float], z: Mapping[str, float]) -> str:
    """One line with the centre's numbers, most distinctive feature first.

    Args:
        centre: Centre per feature in original units.
        z: Centre z-score per feature.

    Returns:
        E.g. ``"Annual income $135k (+2.1 sd), spending score 80/100 (+1.2 sd), age 46 (+0.4 sd)"``.
    """
    ordered = sorted(z, key=lambda f: (-abs(z[f]), _position(f)))
    parts = [f"{_label(f)} {_format_value(f, centre[f])} ({z[f]:+.1f} sd)" for f in ordered]
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def _position(feature: str) -> int:
    return PHRASE_ORDER.index(feature) if feature in PHRASE_ORDER else len(PHRASE_ORDER)


def _label(feature: str) -> str:
    return FEATURE_INFO.get(feature, {}).get("label", feature.replace("_", " ")).lower()


def _format_value(feature: str, value: float) -> str:
    unit = FEATURE_INFO.get(feature, {}).get("unit", "")
    if unit == "USD":
        sign = "-" if value < 0 else ""
        magnitude = abs(value)
        if magnitude >= 10_000:
            return f"{sign}${magnitude / 1000:,.0f}k"
        return f"{sign}${magnitude / 1000:.1f}k" if magnitude >= 1000 else f"{sign}${magnitude:.0f}"
    if unit == "score 0-100":
        return f"{value:.0f}/100"
    if unit == "years":
        return f"{value:.0f}"
    return f"{value:,.3g}"
