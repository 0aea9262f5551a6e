import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The anonymous rate is counted in the cache; each test starts with a fresh count."""
    cache.clear()
    yield
    cache.clear()
