"""The input rules, defined once, over cells and columns (they never see the feature table).

* :mod:`.parsing`: numbers and dates from the text people and spreadsheets write (``"$58,773"``).
* :mod:`.problems`: problems as data (row, column, value, reason) and the texts derived from them.
* :mod:`.reasons`: the reason of every problem, worded once.
* :mod:`.rules`: ranges, empty rows, rows that did not fit the header; valid and rejected rows.

The feature table applies them (``features/validate.py``); both engines use that one place.
"""
