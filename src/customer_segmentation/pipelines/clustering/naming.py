"""Plain-word names, descriptions and suggested actions for segments, from their centres.

Everything is derived from each centre's z-scores against the whole population
(``z = (centre - population mean) / population sd``, per feature) and from the feature table:

* A feature *stands out* when ``|z| >= threshold`` (0.5 sd by default) and is then written with its
  ``low``/``high`` words ("low income", "young"; default "high <label>").
* Recognisable personas (``clustering.naming.personas``) take precedence, in their order, when every
  feature they name is in the table and stands out in the given direction.
* Otherwise the name lists the ``max_traits`` most distinctive traits (largest ``|z|``), the
  ``lead`` features first, then in the table's order: "Young, high spend, low savings". The action is
  the strongest trait's (``actions`` in the table, else a generic one built from the label).
* Category features (``type: category``, k-prototypes): each segment's prototype holds one category per feature
  (the most frequent among its customers). A category feature whose prototype category differs between segments
  leads the name, written as the category itself ("Month-to-month, fiber optic, high monthly charges"; "No" and
  "None" as "no <label>", other yes/no or number categories with their label), then the numbers' traits fill
  the ``max_traits``. A category every segment shares says nothing about any of them and is left out of names
  (descriptions list every category).
* Nothing stands out -> "Average customers".
* Names are unique within a run: segments sharing a name get the comparative of the feature on
  which they differ most ("... (older)", from ``lower``/``higher``), then a number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from customer_segmentation.errors import ConfigurationError
from customer_segmentation.features import Feature, FeatureTable
from customer_segmentation.features.units import phrase

AVERAGE_NAME = "Average customers"
AVERAGE_ACTION = "Broad seasonal campaigns; A/B test offers to find what moves this segment."
_DIRECTIONS = {"low": -1, "high": 1}
PARAMETERS_FILE = "conf/base/parameters_clustering.yml"


@dataclass(frozen=True)
class Persona:
    """A named pattern: every feature in ``traits`` stands out in the given direction (-1 low, +1 high)."""

    name: str
    traits: Mapping[str, int]
    action: str


@dataclass(frozen=True)
class NamingRules:
    """How segments are named: ``clustering.naming`` read and checked."""

    threshold: float = 0.5
    max_traits: int = 3
    lead: tuple[str, ...] = ()
    personas: tuple[Persona, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> NamingRules:
        config = dict(config or {})
        personas = []
        for position, entry in enumerate(config.get("personas") or [], start=1):
            traits = (entry or {}).get("traits") if isinstance(entry, Mapping) else None
            if not isinstance(traits, Mapping) or not traits or not all(v in _DIRECTIONS for v in traits.values()) \
                    or not entry.get("name"):
                raise ConfigurationError(
                    f"clustering.naming.personas entry {position} ({PARAMETERS_FILE}) should be "
                    "{name: ..., traits: {<feature>: low|high, ...}, action: ...}; got " + repr(entry)
                )
            personas.append(Persona(str(entry["name"]), {str(f): _DIRECTIONS[d] for f, d in traits.items()},
                                    str(entry.get("action") or AVERAGE_ACTION)))
        threshold, max_traits = config.get("threshold", 0.5), config.get("max_traits", 3)
        if not isinstance(threshold, (int, float)) or threshold <= 0 or not isinstance(max_traits, int) \
                or max_traits < 1:
            raise ConfigurationError(f"clustering.naming: threshold {threshold!r} should be a positive number and "
                                     f"max_traits {max_traits!r} a whole number >= 1 ({PARAMETERS_FILE})")
        return cls(float(threshold), int(max_traits), tuple(str(f) for f in config.get("lead") or ()),
                   tuple(personas))


def name_segment(z: Mapping[str, float], table: FeatureTable, rules: NamingRules,
                 categories: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Names one segment from its centre's z-scores (and its prototype's telling categories).

    Args:
        z: Centre z-score per number feature.
        table: The feature table (words and actions).
        rules: Threshold, number of traits, lead features and personas.
        categories: The prototype's category per category feature that tells segments apart
            (:func:`distinct_categories`).

    Returns:
        The name and a suggested action.
    """
    directions = {f: int(np.sign(v)) for f, v in z.items() if abs(v) >= rules.threshold}
    for persona in rules.personas:
        if all(f in z and directions.get(f) == d for f, d in persona.traits.items()):
            return persona.name, persona.action
    position = _positions(table, rules)
    told = sorted(categories or {}, key=position)[: rules.max_traits]
    if not directions and not told:
        return AVERAGE_NAME, AVERAGE_ACTION
    strongest = sorted(directions, key=lambda f: (-abs(z[f]), position(f)))[: rules.max_traits - len(told)]
    words = [category_word(table[f], categories[f]) for f in told]
    words += [_word(table[f], directions[f]) for f in sorted(strongest, key=position)]
    name = ", ".join(words)
    if not directions:
        return name[0].upper() + name[1:], _category_action(table[told[0]], categories[told[0]])
    lead = max(directions, key=lambda f: (abs(z[f]), -position(f)))
    return name[0].upper() + name[1:], _action(table[lead], directions[lead])


def distinct_categories(categories: Sequence[Mapping[str, str]]) -> list[dict[str, str]]:
    """Each segment's categories (one mapping per segment) without the features whose category every segment
    shares: those tell no segment apart."""
    shared = {f for f in (categories[0] if categories else {}) if len({str(c[f]) for c in categories}) == 1}
    return [{f: str(v) for f, v in own.items() if f not in shared} for own in categories]


def category_word(feature: Feature, category: str) -> str:
    """A category as a trait of a name: the category itself ("fiber optic", "DSL"); "no <label>" for "No" or
    "None"; "<label> <category>" for other yes/no and number categories, which say nothing alone."""
    text = str(category).strip()
    label = feature.label.lower()
    if text.lower() in ("no", "none"):
        return f"no {label}"
    if text.lower() in ("yes", "true", "false") or text.replace(".", "", 1).lstrip("-").isdigit():
        return f"{label} {text.lower()}"
    acronym = len(text) > 1 and text[:2].isupper()
    return text if acronym else text[0].lower() + text[1:]


def make_unique(names: Sequence[str], z: np.ndarray, table: FeatureTable) -> list[str]:
    """Tells apart segments that share a name.

    Args:
        names: One name per segment, in segment order.
        z: Centre z-scores, one row per segment, columns in the table's order.
        table: The feature table (comparatives).

    Returns:
        The names, each one unique: duplicates get the comparative of the feature on
        which they differ most, e.g. "Average customers (older)", then a number if needed.
    """
    features = list(table)
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
            unique[i] = f"{name} ({features[j].higher if z[i, j] > middle else features[j].lower})"
    totals, seen = Counter(unique), Counter()
    for i, name in enumerate(unique):
        if totals[name] > 1:
            seen[name] += 1
            unique[i] = f"{name} {seen[name]}"
    return unique


def describe_segment(centre: Mapping[str, float], z: Mapping[str, float], table: FeatureTable,
                     rules: NamingRules | None = None, categories: Mapping[str, str] | None = None) -> str:
    """One line with the prototype's categories, then the centre's numbers in their units, most distinctive
    first.

    Args:
        centre: Centre per number feature in its unit.
        z: Centre z-score per number feature.
        table: The feature table (labels, units).
        rules: For the order of features that stand out equally.
        categories: The prototype's category per category feature.

    Returns:
        E.g. ``"Annual income $135k (+2.1 sd), spending score 80/100 (+1.2 sd), age 46 (+0.4 sd)"``, or
        ``"Contract Month-to-month, internet service Fiber optic, tenure 6 months (-1.3 sd), ..."``.
    """
    position = _positions(table, rules or NamingRules())
    ordered = sorted(z, key=lambda f: (-abs(z[f]), position(f)))
    parts = [f"{table[f].label.lower()} {categories[f]}" for f in sorted(categories or {}, key=position)]
    parts += [f"{phrase(table[f], centre[f])} ({_sd(z[f])} sd)" for f in ordered]
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def _sd(z: float) -> str:
    """``+1.2``; a value that rounds to zero reads ``+0.0``, never ``-0.0``."""
    return f"{z + 0.0 if round(z, 1) != 0 else 0.0:+.1f}"


def _positions(table: FeatureTable, rules: NamingRules):
    order = [f for f in rules.lead if f in table.names] + [f for f in table.names if f not in rules.lead]
    return lambda feature: order.index(feature) if feature in order else len(order)


def _word(feature: Feature, direction: int) -> str:
    return feature.high if direction > 0 else feature.low


def _category_action(feature: Feature, category: str) -> str:
    return (f"Offers and messages made for customers with {feature.label.lower()} {category}; test which of them "
            "lift the segment.")


def _action(feature: Feature, direction: int) -> str:
    """The feature's configured action for this side, else one from ``better``: a strength to reward, a
    weakness to work on, or (neither side better) a trait to fit the message to."""
    side = "high" if direction > 0 else "low"
    configured = feature.actions.get(side)
    if configured:
        return configured
    label = feature.label.lower()
    if feature.better is None:
        return (f"Offers and messages that fit them: their {label} is {'above' if direction > 0 else 'below'} "
                "most customers'.")
    if feature.better == side:
        return f"Reward and keep them: their {label} is among the best (loyalty rewards, early access)."
    return (f"Work on their {label}, worse than most: re-engagement offers, tested against a control group to "
            "see what moves it.")
