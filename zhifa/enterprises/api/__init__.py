"""REST API of the enterprise registry. Every save goes through ``zhifa.enterprises.services``."""
