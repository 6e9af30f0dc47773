"""The input rules, defined once for the pipelines, the app, serving and the tests.

* :mod:`.parsing`: numbers and dates from the text people and spreadsheets write (``"$58,773"``).
* :mod:`.columns`: finding the feature table's columns among a file's headers.
* :mod:`.problems`: problems as data (row, column, value, reason) and the texts derived from them.
* :mod:`.reasons`: the reason of every problem, worded once (the pandas and the Spark rules use them).
* :mod:`.rules`: validating customers against the feature table (parse, derive, range, missing).
"""
