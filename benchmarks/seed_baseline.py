"""The seed project's two scripts, as our own baseline for the small-run benchmark (bench_small_run.py).

    python benchmarks/seed_baseline.py eda   --input data.csv --out DIR
    python benchmarks/seed_baseline.py train --input data.csv --out DIR --tracking-uri sqlite:///DIR/mlflow.db

This is what the project this product was first described from does on its 250 customers (see
tests/data/reference/README.md), rewritten from its behaviour with matplotlib alone (the seed drew
with seaborn, which this project does not install):

* ``eda``: read the CSV, print its summary, a correlation heatmap, one distribution plot per column
  (30-bin histogram with a density line), then StandardScaler -> PCA(2) -> an elbow plot of K-Means
  inertia for k = 1..10.
* ``train``: read the CSV, StandardScaler, ``KMeans(n_clusters=4, random_state=42)``, the silhouette,
  an MLflow run with the parameter and the metric, ``mlflow.sklearn.log_model`` of the model and of the
  scaler (MLflow's defaults, as the seed calls it), both saved with joblib, and a scatter plot.

Each step is one process, as the seed runs its two scripts; the benchmark times both.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

FEATURES = ["annual_income", "spending_score", "savings", "age"]


def eda(data_path: Path, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from scipy.stats import gaussian_kde
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler

    frame = pd.read_csv(data_path)
    frame.info()
    print(frame.describe())
    print(frame.head())

    corr = frame.corr()
    plt.figure(figsize=(12, 8))
    plt.imshow(corr, cmap="coolwarm", vmin=-1, vmax=1)
    for (i, j), r in np.ndenumerate(corr.to_numpy()):
        plt.text(j, i, f"{r:.2f}", ha="center", va="center")
    plt.xticks(range(len(corr)), corr.columns)
    plt.yticks(range(len(corr)), corr.columns)
    plt.colorbar()
    plt.title("Correlation Matrix")
    plt.savefig(out / "correlation_matrix.png")
    plt.close()

    for column in frame.select_dtypes(include=[np.number]).columns:
        values = frame[column].dropna().to_numpy()
        plt.figure(figsize=(10, 6))
        counts, edges, _ = plt.hist(values, bins=30)
        grid = np.linspace(values.min(), values.max(), 200)
        plt.plot(grid, gaussian_kde(values)(grid) * len(values) * (edges[1] - edges[0]))
        plt.title(f"Distribution of {column}")
        plt.xlabel(column)
        plt.ylabel("Frequency")
        plt.savefig(out / f"distribution_{column}.png")
        plt.close()

    scaled = StandardScaler().fit_transform(frame.select_dtypes(include=[np.number]))
    projected = PCA(n_components=2).fit_transform(scaled)
    inertia = [KMeans(n_clusters=k, random_state=42).fit(projected).inertia_ for k in range(1, 11)]
    plt.figure(figsize=(10, 6))
    plt.plot(range(1, 11), inertia, marker="o")
    plt.title("Elbow Method for Optimal K")
    plt.xlabel("Number of clusters (k)")
    plt.ylabel("Inertia")
    plt.xticks(range(1, 11))
    plt.savefig(out / "elbow_method.png")
    plt.close()
    print("EDA completed")


def train(data_path: Path, out: Path, tracking_uri: str) -> None:
    import joblib
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mlflow
    import mlflow.sklearn
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import StandardScaler

    frame = pd.read_csv(data_path)
    scaler = StandardScaler()
    frame[FEATURES] = scaler.fit_transform(frame[FEATURES])
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment("customer_segmentation")
    with mlflow.start_run():
        kmeans = KMeans(n_clusters=4, random_state=42).fit(frame[FEATURES])
        frame["cluster"] = kmeans.predict(frame[FEATURES])
        silhouette = silhouette_score(frame[FEATURES], frame["cluster"])
        print(f"Silhouette Score: {silhouette}")
        mlflow.log_param("n_clusters", 4)
        mlflow.log_metric("silhouette_score", float(silhouette))
        mlflow.sklearn.log_model(kmeans, name="kmeans_model")
        mlflow.sklearn.log_model(scaler, name="preprocessor")
        joblib.dump(scaler, out / "preprocessor.pkl")
        joblib.dump(kmeans, out / "kmeans_model.pkl")
        plt.figure(figsize=(10, 6))
        plt.scatter(frame[FEATURES[0]], frame[FEATURES[1]], c=frame["cluster"], cmap="viridis")
        plt.title("KMeans Clustering Results")
        plt.xlabel(FEATURES[0])
        plt.ylabel(FEATURES[1])
        plt.savefig(out / "kmeans_clustering.png")
        plt.close()
    print("Training and evaluation completed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["eda", "train"])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs and model files")
    parser.add_argument("--tracking-uri", help="MLflow store of the train step, e.g. sqlite:////tmp/x/mlflow.db")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    if args.step == "eda":
        eda(args.input, args.out)
    else:
        train(args.input, args.out, args.tracking_uri or f"sqlite:///{(args.out / 'mlflow.db').resolve()}")


if __name__ == "__main__":
    main()
