"""introductions' forms, one module per domain: validation only (the services write)."""
