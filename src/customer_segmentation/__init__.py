"""customer-segmentation
"""

# Before anything imports pyspark: its warning about pandas 3 is silenced (customer_segmentation/spark/).
import customer_segmentation.spark  # noqa: F401, E402

__version__ = "0.1"
