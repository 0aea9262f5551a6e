"""REST API of the organisation: regions, officers and their certificates."""
