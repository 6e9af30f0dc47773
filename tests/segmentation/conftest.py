from tests.pipelines.clustering.conftest import customers, model  # noqa: F401 - shared fixtures
