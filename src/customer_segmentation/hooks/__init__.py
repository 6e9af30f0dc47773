"""Project hooks, only where Kedro offers no other way; registered in ``settings.py``.

* :mod:`.run_guard`: one run at a time per project; runs a killed process left RUNNING marked FAILED.
* :mod:`.mlflow_store`: the MLflow store checked before kedro-mlflow connects (which retries for minutes).
* :mod:`.config_check`: the feature table and the input's headers checked before any node runs.
* :mod:`.run_record`: the MLflow run named and tagged from its input, rows, features and k.
* :mod:`.registry`: the trained model registered (and aliased) only when the whole run succeeded.
* :mod:`.snapshot`: the outputs of the last complete run kept aside for the app.
* :mod:`.spark_session`: the SparkSession of `conf/spark/spark.yml`, for runs that use Spark datasets.
* :mod:`.failed_run`: a run without a single valid row keeps its rejected rows aside, the previous outputs intact.

MLflow tracking itself is kedro-mlflow's own hook.
"""
