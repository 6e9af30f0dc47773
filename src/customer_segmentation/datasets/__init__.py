"""Project datasets, only where kedro-datasets has no equivalent; the catalog names each by its module.

* :mod:`.atomic`: any file or folder dataset written atomically (the previous output survives a killed run).
* :mod:`.customer_csv`, :mod:`.customer_excel`, :mod:`.monitoring` (``CustomerFileDataset``): customer files
  read with the project's rules (every cell as text, rows numbered by their line).
* :mod:`.spreadsheet_csv`: ``pandas.CSVDataset`` whose files are safe to open in a spreadsheet.
* :mod:`.model_file`: the versioned model file in skops format, loaded only with trusted types.
* :mod:`.mlflow_model`: the model logged to MLflow as a pyfunc model from code (registered after the run).
* :mod:`.monitoring`: the served model of the last complete run, the segment history.
* :mod:`.spark_customers`: the customer file read by Spark.
"""
