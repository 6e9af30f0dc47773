"""The floor a K-Means segmentation cannot beat: read, scale, one K-Means fit on all rows, predict.

    python benchmarks/floor.py --input benchmarks/data/customers_1000000.parquet --k 4 --features a b c
"""

import argparse
import time

import pandas as pd
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--features", nargs="+", required=True, help="the feature columns (the feature table's names)")
    args = parser.parse_args()
    started = time.perf_counter()
    frame = pd.read_parquet(args.input, columns=args.features).dropna()
    scaled = StandardScaler().fit_transform(frame.to_numpy())
    model = KMeans(n_clusters=args.k, n_init=1, random_state=42).fit(scaled)
    labels = model.predict(scaled)
    print(f"floor: {len(labels)} rows, k={args.k}, {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
