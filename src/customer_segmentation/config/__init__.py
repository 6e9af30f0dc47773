"""The project's configuration: how Kedro environments combine (:mod:`.loader`) and which parameters exist,
with their types and the file each came from (:mod:`.parameters`). Checked before any node runs.
"""
