"""introductions' pages, one module per domain."""
