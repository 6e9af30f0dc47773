"""``python -m customer_segmentation.demo_data ...``: see :mod:`customer_segmentation.demo_data.cli`."""

from customer_segmentation.demo_data.cli import main

if __name__ == "__main__":
    main()
