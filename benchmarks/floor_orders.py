"""The floor of an order-log segmentation: the same RFM aggregation in plain pandas plus one K-Means fit.

    python benchmarks/floor_orders.py --input benchmarks/data/orders_10000000.parquet --k 5

Read the Parquet (the five columns used), drop lines without a real customer (empty or placeholder id) and
zero-price lines, keep cancellations as negative amounts (returns netted), group by customer into recency
(days from the last purchase to the day after the log's last line), orders (distinct purchase invoices) and
revenue (net), leave out customers whose net revenue is not positive, log1p the orders and revenue (as
conf/retail's `transform: log`), StandardScaler, one `KMeans(n_clusters=k, n_init=1)` fit, predict.
It does not remove exact duplicate lines nor check dates and numbers, which the pipeline does: it is a floor.
"""

import argparse
import time

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

COLUMNS = ["CustomerID", "InvoiceNo", "InvoiceDate", "Quantity", "UnitPrice"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--placeholder-ids", nargs="*", type=int, default=[0])
    args = parser.parse_args()
    started = time.perf_counter()
    lines = pd.read_parquet(args.input, columns=COLUMNS)
    lines = lines[lines["CustomerID"].notna() & ~lines["CustomerID"].isin(args.placeholder_ids)
                  & (lines["UnitPrice"] != 0)]
    date = pd.to_datetime(lines["InvoiceDate"], format="ISO8601")
    invoice = lines["InvoiceNo"].astype(str)
    is_return = invoice.str.startswith("C") | (lines["Quantity"] < 0)
    frame = pd.DataFrame({
        "customer": lines["CustomerID"].to_numpy(),
        "amount": (lines["Quantity"] * lines["UnitPrice"]).to_numpy(),
        "purchase_date": date.where(~is_return).to_numpy(),
        "purchase_order": invoice.where(~is_return).to_numpy(),
    })
    snapshot = date.max().normalize() + pd.Timedelta(days=1)
    grouped = frame.groupby("customer", sort=False)
    customers = pd.DataFrame({
        "recency": (snapshot - grouped["purchase_date"].max()).dt.days,
        "frequency": grouped["purchase_order"].nunique(),
        "monetary": grouped["amount"].sum(),
    })
    customers = customers[(customers["monetary"] > 0) & customers["recency"].notna()]
    values = np.column_stack([customers["recency"].to_numpy(float), np.log1p(customers["frequency"].to_numpy(float)),
                              np.log1p(customers["monetary"].to_numpy(float))])
    scaled = StandardScaler().fit_transform(values)
    labels = KMeans(n_clusters=args.k, n_init=1, random_state=42).fit(scaled).predict(scaled)
    print(f"floor: {len(lines)} lines kept, {len(labels)} customers, k={args.k}, "
          f"{time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
