"""REST API of issued documents (执法文书): read-only metadata and verified downloads."""
