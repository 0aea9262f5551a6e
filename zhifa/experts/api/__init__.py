"""REST API of the expert pool: professional groups and experts."""
