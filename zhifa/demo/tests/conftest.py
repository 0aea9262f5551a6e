def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "slow: builds the full demo district (about 8,000 enterprises); deselect with -m 'not slow'",
    )
