"""The file MLflow logs as the served model's code ("models from code"): no pickled Python object.

MLflow runs this file when it loads the model; it only names the class that answers requests
(``serving.SegmentationService``), whose fitted pipeline is the skops artifact.
"""

import mlflow

from customer_segmentation.segmentation.serving import SegmentationService

mlflow.models.set_model(SegmentationService())
