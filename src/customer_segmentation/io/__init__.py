"""Cells and files: the lowest layer, which knows nothing of features, rules or models.

* :mod:`.csv_files`, :mod:`.excel_files`: customer files read the way people export them, every cell as text,
  rows numbered by their line, rows that do not fit the header kept with their problem.
* :mod:`.headers`: how header names are compared (case and surrounding spaces ignored).
* :mod:`.spreadsheets`: CSV files that are safe to open in a spreadsheet.
* :mod:`.atomic`: outputs written so that a reader sees the old file or the new one, never half of one.
* :mod:`.filenames`: file names made from what people typed (segment names), safe on every file system.
* :mod:`.hashing`: row hashes for exact duplicates among millions of rows, and the input's fingerprint.
"""
