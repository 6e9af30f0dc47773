"""Values in their feature's unit, the way people read them: "$26k", "79/100", "34 days".

Used by segment descriptions, report axes, the app's forms, profile tables and downloads, so a
unit is written the same way everywhere. Units are free text; these get special treatment:

* a currency code (``USD``, ``EUR``, ``GBP``, ``JPY``): ``$26k``, ``€1.5k``, ``£850``;
* ``score`` with a finite range: ``79/100`` (the axis reads "score 0-100");
* ``years``: the number alone ("age 46"); any other unit follows the number ("34 days");
* shares and rates: ``42 %`` (:func:`format_share`).
"""

from __future__ import annotations

import math

from customer_segmentation.features.table import Feature
from customer_segmentation.features.words import counted_label, is_count, since_what, singular

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def currency_symbol(feature: Feature) -> str | None:
    return CURRENCY_SYMBOLS.get(feature.unit.upper())


def unit_text(feature: Feature) -> str:
    """The unit as shown after a label: ``USD``, ``score 0-100``, ``days``."""
    if feature.unit.lower() == "score" and feature.minimum is not None and feature.maximum is not None:
        return f"score {_plain(feature.minimum)}-{_plain(feature.maximum)}"
    return feature.unit


def axis_label(feature: Feature) -> str:
    """``'Annual income (USD)'`` for axes, form fields and table headers."""
    unit = unit_text(feature)
    return f"{feature.label} ({unit})" if unit else feature.label


def format_value(feature: Feature, value: float) -> str:
    """One value in the feature's unit, rounded as a person would say it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    value = float(value)
    symbol = currency_symbol(feature)
    if symbol is not None:
        sign, magnitude = ("-" if value < 0 else ""), abs(value)
        if magnitude >= 10_000:
            return f"{sign}{symbol}{magnitude / 1000:,.0f}k"
        return f"{sign}{symbol}{magnitude / 1000:.1f}k" if magnitude >= 1000 else f"{sign}{symbol}{magnitude:.0f}"
    unit = feature.unit.lower()
    if unit == "score":
        return f"{value:.0f}/{_plain(feature.maximum)}" if feature.maximum is not None else f"{value:.0f}"
    if unit == "years":
        return f"{value:.0f}"
    number = _plain(round(value)) if abs(value) >= 10 else f"{value:.2g}"
    unit = singular(feature.unit) if number == "1" and is_count(feature.unit) else feature.unit
    return f"{number} {unit}" if unit else number


def phrase(feature: Feature, value: float) -> str:
    """The feature and a value as words: "annual income $52k", "6 purchases", "1 child at home", "last purchase
    48 days ago" (a days-since feature), "age 46"."""
    counted = counted_label(feature.label, feature.unit)
    if counted is not None and value is not None and not math.isnan(value):
        number = _count(value)
        if number == "1":
            counted = " ".join(singular(w) if w == feature.unit.strip().lower() else w for w in counted.split())
        return f"{number} {counted}"
    since = since_what(feature.label) or (feature.label.lower() if feature.derive == "days_since" else None)
    if since is not None and feature.unit.lower() == "days" and value is not None and not math.isnan(value):
        return f"{since} {format_value(feature, value)} ago"
    return f"{feature.label.lower()} {format_value(feature, value)}"


def change_phrase(feature: Feature, change: float, new_value: float) -> str:
    """A change and where it leads: "annual income up $18k, to $80k", "children at home up 1.8, to 2"."""
    direction = "up" if change > 0 else "down"
    to = _count(new_value) if counted_label(feature.label, feature.unit) is not None else format_value(feature, new_value)
    return f"{feature.label.lower()} {direction} {format_change(feature, change)}, to {to}"


def format_change(feature: Feature, change: float) -> str:
    """A difference in the feature's unit, without sign: ``$18k``, ``7 points`` (a score), ``9 years``."""
    unit = feature.unit.lower()
    if counted_label(feature.label, feature.unit) is not None:  # the label names the unit: the number alone
        return _count(abs(change))
    if unit == "score":
        return f"{abs(change):.0f} points"
    if unit == "years":
        return f"{abs(change):.0f} years"
    return format_value(feature, abs(change))


def format_share(value: float | None, percent_sign: bool = True) -> str:
    """A share or rate as people read it: ``42 %``, ``0.4 %`` below one per cent, ``n/a`` when unknown."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    percent = float(value) * 100
    if 0 < abs(percent) < 0.05:
        return "<0.1 %" if percent_sign else "<0.1"
    number = f"{percent:.1f}" if 0 < abs(percent) < 1 else f"{percent:.0f}"
    return f"{number} %" if percent_sign else number


def table_format(feature: Feature) -> str:
    """How a table (Streamlit's column formats) shows the feature's values, matching :func:`format_value`:
    ``dollar`` (thousands separated) for USD, ``€%.0f`` for another currency, ``%.0f/100`` for a score, ``%.0f``
    for years, else the number and the unit."""
    symbol = currency_symbol(feature)
    if symbol is not None:
        return "dollar" if symbol == "$" else f"{symbol}%.0f"
    unit = feature.unit.lower()
    if unit == "score":
        return f"%.0f/{_plain(feature.maximum)}" if feature.maximum is not None else "%.0f"
    if unit == "years":
        return "%.0f"
    return f"%.1f {feature.unit.replace('%', '%%')}".strip()


def form_step(feature: Feature) -> float:
    """A sensible +/- step for a number field: 1,000 for incomes and savings, else 1."""
    large = feature.maximum is None or feature.maximum >= 100_000
    return 1000.0 if currency_symbol(feature) is not None and large else 1.0


def _count(value: float) -> str:
    """A count as people say it: ``1.9``, ``6`` (whole from 5 on), ``12``."""
    return f"{value:.0f}" if abs(value) >= 5 or float(value).is_integer() else f"{value:.2g}"


def _plain(value: float) -> str:
    """``100`` not ``100.0``; thousands separated."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
