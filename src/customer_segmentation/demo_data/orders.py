"""The order-log shape: one line per product bought, like the public Online Retail export.

Real customers come from RFM-like personas over one year ending at ``ORDER_LOG_END``; the log carries the
traps of the real file: cancellations (``C`` invoices with negative quantities), guest lines under a
placeholder customer id, zero prices, exact duplicate lines and one huge order cancelled minutes later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from customer_segmentation.demo_data.sampling import choose_per_row

ORDER_LOG_END = pd.Timestamp("2011-12-09 12:50:00")
ORDER_LOG_DAYS = 365
ORDER_LOG_COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
                     "CustomerID", "Country"]
FIRST_INVOICE_NO, FIRST_CUSTOMER_ID = 536365, 12346
HUGE_QUANTITY = 80_995
COUNTRIES = {"United Kingdom": 0.88, "Germany": 0.025, "France": 0.022, "EIRE": 0.02, "Spain": 0.01,
             "Netherlands": 0.01, "Belgium": 0.01, "Switzerland": 0.01, "Portugal": 0.008, "Australia": 0.006}
# Quantities come in packs; a persona mixes a shop's basket with a wholesaler's.
QUANTITIES = np.array([1, 2, 3, 4, 6, 8, 10, 12, 24, 48, 96])
_RETAIL = np.array([0.30, 0.20, 0.10, 0.10, 0.12, 0.04, 0.04, 0.07, 0.02, 0.01, 0.00])
_WHOLESALE = np.array([0.05, 0.05, 0.05, 0.05, 0.15, 0.05, 0.05, 0.25, 0.20, 0.07, 0.03])
_MAX_LINES_PER_INVOICE = 250  # half the catalogue: products stay distinct within an invoice


@dataclass(frozen=True)
class OrderPersona:
    """A latent buyer type: how many invoices, when the last one was, basket size and pack sizes."""

    name: str
    weight: float
    invoices: tuple[int, float]  # at least this many, plus a Poisson number with this mean
    last_days_ago: tuple[float, float]  # the last invoice, uniform in this range of days before the end
    span_days: float  # the other invoices fall at most this many days before the last one
    lines_per_invoice: float  # mean number of products per invoice
    wholesale: float  # share of lines with a wholesaler's pack sizes


ORDER_PERSONAS: tuple[OrderPersona, ...] = (
    OrderPersona("champions", 0.15, (8, 10.0), (0, 14), ORDER_LOG_DAYS, 22, 0.6),
    OrderPersona("loyal", 0.25, (4, 4.0), (5, 60), ORDER_LOG_DAYS, 18, 0.3),
    OrderPersona("at_risk", 0.15, (4, 4.0), (120, 240), ORDER_LOG_DAYS, 22, 0.5),
    OrderPersona("new_customers", 0.15, (1, 0.5), (0, 30), 21, 12, 0.2),
    OrderPersona("hibernating", 0.30, (1, 0.7), (150, 360), 60, 8, 0.05),
)

_PATTERNS = ("WHITE", "RED RETROSPOT", "PINK POLKADOT", "BLUE STRIPE", "VINTAGE", "REGENCY", "JUMBO",
             "WOODLAND", "GLASS", "WOODEN", "HEART", "SPOTTY", "CREAM", "SKULL", "PARTY", "ENAMEL", "ZINC",
             "LITTLE BIRDIE", "PAISLEY", "CHRISTMAS")
_ITEMS = ("HANGING T-LIGHT HOLDER", "CAKE STAND", "LUNCH BAG", "JAM MAKING SET", "TEA CUP AND SAUCER",
          "BUNTING", "DOORMAT", "ALARM CLOCK", "STORAGE JAR", "NAPKINS", "CHARLOTTE BAG", "HOT WATER BOTTLE",
          "PHOTO FRAME", "CANDLE", "MUG", "SHOPPING BAG", "PAPER CHAIN KIT", "WALL CLOCK", "BAKING SET",
          "TRINKET BOX", "CAKE CASES", "WATER BOTTLE", "NOTEBOOK", "PARASOL", "GIFT WRAP")


def product_catalogue() -> pd.DataFrame:
    """The shop's 500 products: ``StockCode``, ``Description``, ``UnitPrice`` (GBP) and ``popularity``.

    The same for every seed (its own fixed random stream), as a shop's catalogue would be.
    """
    rng = np.random.default_rng(20111209)
    descriptions = [f"{pattern} {item}" for pattern in _PATTERNS for item in _ITEMS]
    numbers = rng.choice(np.arange(10_002, 90_000), size=len(descriptions), replace=False)
    suffixes = np.where(rng.random(len(descriptions)) < 0.15, rng.choice(list("ABCDEFGLMNPRSW"), len(descriptions)), "")
    popularity = 1 / np.arange(1, len(descriptions) + 1) ** 0.8
    return pd.DataFrame({
        "StockCode": [f"{n}{s}" for n, s in zip(numbers, suffixes, strict=True)],
        "Description": descriptions,
        "UnitPrice": np.round(np.exp(rng.normal(0.9, 0.7, len(descriptions))) + 0.1, 2),
        "popularity": rng.permutation(popularity / popularity.sum()),
    })


def generate_order_log(lines: int = 50_000, seed: int = 42, customers: int | None = None,
                       placeholder_id: int | None = None, placeholder_share: float = 0.20,
                       cancel_share: float = 0.02, zero_price_share: float = 0.01,
                       duplicate_share: float = 0.01) -> pd.DataFrame:
    """An order log of about ``lines`` lines, one per product on an invoice.

    Args:
        lines: About how many lines to write (the traps' shares are of this total).
        seed: Random seed; the same seed gives the same log.
        customers: How many real customers; by default as many as fit ``lines``.
        placeholder_id: The customer id of guest lines; ``None`` leaves it empty (as in the real file).
        placeholder_share: Share of lines under the placeholder id.
        cancel_share: Share of cancellation lines (``C`` invoices, negative quantities); each cancels part
            or all of an earlier line of the same customer and product.
        zero_price_share: Share of purchase lines with a ``UnitPrice`` of 0.
        duplicate_share: Share of lines that are exact copies of the purchase line before them.

    Returns:
        ``ORDER_LOG_COLUMNS`` plus ``persona`` (empty on guest lines), in invoice order. ``InvoiceDate``
        is ISO text (``2011-12-09 12:50:00``); ``CustomerID`` is an integer, nullable without a
        placeholder id.
    """
    _check_arguments(lines, customers, placeholder_share, cancel_share, zero_price_share, duplicate_share)
    rng = np.random.default_rng(seed)
    buyers = draw_buyers(rng, _real_lines(lines, placeholder_share, cancel_share, duplicate_share), customers)
    return order_log_of(rng, buyers, lines, placeholder_id, placeholder_share, cancel_share, zero_price_share,
                        duplicate_share)


def _real_lines(lines: int, placeholder_share: float, cancel_share: float, duplicate_share: float) -> float:
    return max(1.0, lines * (1 - (placeholder_share + cancel_share + duplicate_share)) - 2)


def order_log_of(rng: np.random.Generator, buyers: pd.DataFrame, lines: int, placeholder_id: int | None = None,
                 placeholder_share: float = 0.20, cancel_share: float = 0.02, zero_price_share: float = 0.01,
                 duplicate_share: float = 0.01) -> pd.DataFrame:
    """The order log of ``buyers`` (``persona`` index, ``Country``, ``number``: their CustomerID less
    ``FIRST_CUSTOMER_ID``), about ``lines`` lines, as :func:`generate_order_log` returns it."""
    catalogue = product_catalogue()
    extra_shares = placeholder_share + cancel_share + duplicate_share
    real_target = _real_lines(lines, placeholder_share, cancel_share, duplicate_share)
    invoices = _draw_invoices(rng, buyers)
    purchases = _draw_lines(rng, invoices, buyers, catalogue, real_target)
    total = (len(purchases) + 2) / (1 - extra_shares)
    guests = _draw_guest_lines(rng, round(placeholder_share * total), catalogue, start_invoice=len(invoices))
    cancellations = _draw_cancellations(rng, purchases, invoices, round(cancel_share * total),
                                        start_invoice=len(invoices) + guests["invoice"].nunique())
    log = pd.concat([purchases.assign(cancelled=False), guests.assign(cancelled=False), cancellations,
                     _huge_order(rng, buyers, catalogue)], ignore_index=True)
    log["line"] = log.groupby(["cancelled", "invoice"]).cumcount()
    is_purchase = (log["Quantity"] > 0) & (log["Quantity"] != HUGE_QUANTITY)
    # A cancelled line keeps its price, so that a purchase and its cancellation net to zero.
    can_be_free = is_purchase & ~log.index.isin(cancellations["original"])
    log.loc[_some(rng, can_be_free, zero_price_share * total), "UnitPrice"] = 0.0
    copies = log.iloc[_some(rng, is_purchase, duplicate_share * total)]
    log = pd.concat([log.assign(copy=0), copies.assign(copy=1)], ignore_index=True)
    return _finish(log, buyers, catalogue, placeholder_id)


def _some(rng: np.random.Generator, allowed: pd.Series, count: float) -> np.ndarray:
    """``count`` distinct positions where ``allowed`` holds (all of them if there are fewer)."""
    positions = np.flatnonzero(allowed)
    return rng.choice(positions, size=min(len(positions), round(count)), replace=False)


def _check_arguments(lines: int, customers: int | None, *shares: float) -> None:
    if lines < 1:
        raise ValueError(f"lines={lines} should be >= 1")
    if customers is not None and customers < 1:
        raise ValueError(f"customers={customers} should be >= 1 (or None: as many as fit the lines)")
    if any(not 0 <= share < 1 for share in shares) or sum(shares[:2]) + shares[3] >= 0.9:
        raise ValueError(f"shares {shares} should each be in [0, 1), placeholder + cancel + duplicate < 0.9")


def draw_buyers(rng: np.random.Generator, real_lines: float, customers: int | None) -> pd.DataFrame:
    """One row per real customer: persona index, country and ``number`` (0, 1, ...: CustomerID less
    ``FIRST_CUSTOMER_ID``)."""
    weights = np.array([p.weight for p in ORDER_PERSONAS]) / sum(p.weight for p in ORDER_PERSONAS)
    if customers is None:
        per_customer = sum(w * (p.invoices[0] + p.invoices[1]) * p.lines_per_invoice
                           for w, p in zip(weights, ORDER_PERSONAS, strict=True))
        customers = max(1, round(real_lines / per_customer))
    countries = np.array(list(COUNTRIES.values()))
    return pd.DataFrame({
        "persona": rng.choice(len(ORDER_PERSONAS), size=customers, p=weights),
        "Country": rng.choice(list(COUNTRIES), size=customers, p=countries / countries.sum()),
        "number": np.arange(customers),
    })


def _persona_values(buyers: pd.DataFrame, attribute: str) -> np.ndarray:
    return np.array([getattr(p, attribute) for p in ORDER_PERSONAS], dtype=float)[buyers["persona"].to_numpy()]


def _draw_invoices(rng: np.random.Generator, buyers: pd.DataFrame) -> pd.DataFrame:
    """One row per purchase invoice of a real customer: the customer and the minute it was made."""
    minimum, extra = _persona_values(buyers, "invoices").T
    counts = (minimum + rng.poisson(extra)).astype(int)
    low, high = _persona_values(buyers, "last_days_ago").T
    last = rng.uniform(low, high)
    earliest = np.minimum(last + _persona_values(buyers, "span_days"), ORDER_LOG_DAYS - 1)
    customer = np.repeat(np.arange(len(buyers)), counts)
    days_ago = rng.uniform(last[customer], earliest[customer])
    days_ago[np.r_[0, np.cumsum(counts)[:-1]]] = last  # each customer's first row is the last invoice
    return pd.DataFrame({"customer": customer, "minute": _shop_minutes(rng, days_ago)})


def _shop_minutes(rng: np.random.Generator, days_ago: np.ndarray) -> np.ndarray:
    """Minutes since the log's start of invoices ``days_ago`` before the end, in shop hours, never on a Saturday."""
    day = ORDER_LOG_DAYS - 1 - np.floor(days_ago).astype(int)  # day 0 is the first day, the end's day excluded
    saturday = ((ORDER_LOG_END.normalize() - pd.Timedelta(days=ORDER_LOG_DAYS)).day_of_week + day) % 7 == 5
    moved = day - rng.integers(1, 7, size=len(day))  # to one of the six days before, evenly
    day = np.where(saturday, np.where(moved < 0, moved + 7, moved), day)
    return day * 1440 + 8 * 60 + rng.integers(0, 11 * 60, size=len(day))


def _draw_lines(rng: np.random.Generator, invoices: pd.DataFrame, buyers: pd.DataFrame, catalogue: pd.DataFrame,
                target: float) -> pd.DataFrame:
    """The real customers' purchase lines, distinct products within each invoice."""
    persona_of_invoice = buyers["persona"].to_numpy()[invoices["customer"].to_numpy()]
    means = np.array([p.lines_per_invoice for p in ORDER_PERSONAS])[persona_of_invoice]
    sizes = np.clip(rng.poisson(means * target / means.sum()), 1, _MAX_LINES_PER_INVOICE)
    invoice = np.repeat(np.arange(len(invoices)), sizes)
    wholesale = np.array([p.wholesale for p in ORDER_PERSONAS])[persona_of_invoice][invoice]
    lines = _lines(rng, invoice, catalogue, wholesale)
    lines["customer"] = invoices["customer"].to_numpy()[invoice]
    lines["minute"] = invoices["minute"].to_numpy()[invoice]
    return lines


def _lines(rng: np.random.Generator, invoice: np.ndarray, catalogue: pd.DataFrame,
           wholesale: np.ndarray) -> pd.DataFrame:
    """Products, quantities and prices for lines of the given invoices."""
    product = rng.choice(len(catalogue), size=len(invoice), p=catalogue["popularity"])
    while (repeated := pd.Series(invoice * len(catalogue) + product).duplicated().to_numpy()).any():
        product[repeated] = rng.choice(len(catalogue), size=repeated.sum(), p=catalogue["popularity"])
    pack_odds = wholesale[:, None] * _WHOLESALE + (1 - wholesale[:, None]) * _RETAIL
    quantity = QUANTITIES[choose_per_row(rng, list(range(len(QUANTITIES))), pack_odds).astype(int)]
    price = catalogue["UnitPrice"].to_numpy()[product]
    price = np.where(quantity >= 24, np.round(price * 0.85, 2), price)  # a wholesaler's discount
    return pd.DataFrame({"invoice": invoice, "product": product, "Quantity": quantity, "UnitPrice": price})


def _draw_guest_lines(rng: np.random.Generator, count: int, catalogue: pd.DataFrame,
                      start_invoice: int) -> pd.DataFrame:
    """Lines of guest invoices (no customer id), spread over the year."""
    sizes = np.minimum(1 + rng.poisson(24, size=count // 10 + 1), _MAX_LINES_PER_INVOICE)
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), count) + 1]
    sizes[-1] -= sizes.sum() - count
    sizes = sizes[sizes > 0]
    invoice = np.repeat(np.arange(len(sizes)), sizes)
    lines = _lines(rng, invoice, catalogue, np.full(len(invoice), 0.1))
    minutes = _shop_minutes(rng, rng.uniform(0, ORDER_LOG_DAYS - 1, size=len(sizes)))
    countries = np.where(rng.random(len(sizes)) < 0.95, "United Kingdom", "EIRE")
    return lines.assign(invoice=invoice + start_invoice, customer=-1, minute=minutes[invoice],
                        Country=countries[invoice])


def _draw_cancellations(rng: np.random.Generator, purchases: pd.DataFrame, invoices: pd.DataFrame, count: int,
                        start_invoice: int) -> pd.DataFrame:
    """Cancellation lines: each takes back all or part of a distinct earlier purchase line.

    The cancelled lines of one original invoice go on one ``C`` invoice, minutes to 30 days later.
    ``original`` is the row of ``purchases`` that each line cancels.
    """
    cancelled = purchases.iloc[np.sort(rng.choice(len(purchases), size=min(count, len(purchases)), replace=False))]
    originals, invoice = np.unique(cancelled["invoice"].to_numpy(), return_inverse=True)
    start = invoices["minute"].to_numpy()[originals]
    room = np.minimum(30 * 1440, _end_minute() - start)
    delay = 1 + np.floor(rng.random(len(originals)) * room).astype(int)
    quantity = cancelled["Quantity"].to_numpy()
    partial = rng.random(len(cancelled)) < 0.3
    taken = np.where(partial, 1 + np.floor(rng.random(len(cancelled)) * quantity).astype(int), quantity)
    return cancelled.assign(invoice=invoice + start_invoice, minute=(start + delay)[invoice], Quantity=-taken,
                            cancelled=True, original=cancelled.index)


def _huge_order(rng: np.random.Generator, buyers: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """One enormous line by a lapsed customer, cancelled a few minutes later (as in the real file)."""
    lapsed = np.flatnonzero(buyers["persona"].to_numpy() == len(ORDER_PERSONAS) - 1)
    customer = rng.choice(lapsed if len(lapsed) else np.arange(len(buyers)))
    product = int(rng.integers(len(catalogue)))
    minute = int(_shop_minutes(rng, rng.uniform(150, 300, size=1))[0])
    price = float(catalogue["UnitPrice"].iloc[product])
    return pd.DataFrame({"invoice": [-2, -1], "product": product, "Quantity": [HUGE_QUANTITY, -HUGE_QUANTITY],
                         "UnitPrice": price, "customer": customer, "minute": [minute, minute + 3],
                         "cancelled": [False, True]})


def _end_minute() -> int:
    return ORDER_LOG_DAYS * 1440 + ORDER_LOG_END.hour * 60 + ORDER_LOG_END.minute


def _finish(log: pd.DataFrame, buyers: pd.DataFrame, catalogue: pd.DataFrame,
            placeholder_id: int | None) -> pd.DataFrame:
    """Invoice numbers in time order, the export's columns, lines sorted as the shop wrote them."""
    keys = log[["cancelled", "invoice", "minute"]].drop_duplicates(["cancelled", "invoice"])
    keys = keys.sort_values(["minute", "cancelled", "invoice"], kind="stable")
    keys["number"] = np.arange(len(keys))
    log = log.merge(keys[["cancelled", "invoice", "number"]], on=["cancelled", "invoice"], how="left")
    log = log.sort_values(["number", "line", "copy"], kind="stable").reset_index(drop=True)
    customer = log["customer"].to_numpy()
    guest = customer < 0
    start = ORDER_LOG_END.normalize() - pd.Timedelta(days=ORDER_LOG_DAYS)
    numbers = buyers["number"].to_numpy()[np.maximum(customer, 0)]
    ids = pd.array(np.where(guest, 0, FIRST_CUSTOMER_ID + numbers), dtype="Int64")
    ids[guest] = pd.NA if placeholder_id is None else placeholder_id
    personas = np.array([p.name for p in ORDER_PERSONAS], dtype=object)
    return pd.DataFrame({
        "InvoiceNo": np.char.add(np.where(log["cancelled"], "C", ""), (FIRST_INVOICE_NO + log["number"]).astype(str)),
        "StockCode": catalogue["StockCode"].to_numpy()[log["product"]],
        "Description": catalogue["Description"].to_numpy()[log["product"]],
        "Quantity": log["Quantity"].to_numpy(),
        "InvoiceDate": (start + pd.to_timedelta(log["minute"], unit="min")).dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
        "UnitPrice": log["UnitPrice"].to_numpy(),
        "CustomerID": ids if placeholder_id is None else ids.astype("int64"),
        "Country": np.where(guest, log["Country"], buyers["Country"].to_numpy()[np.maximum(customer, 0)]),
        "persona": np.where(guest, None, personas[buyers["persona"].to_numpy()[np.maximum(customer, 0)]]),
    })
