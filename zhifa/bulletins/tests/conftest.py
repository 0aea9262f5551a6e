import pytest


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    """Blobs in a temporary data directory; no figures cached from another test (dashboard.CACHE_SECONDS)."""
    from django.core.cache import cache

    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    cache.clear()
    yield
    cache.clear()
