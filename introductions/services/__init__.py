"""introductions' writes, one module per domain. Every write is a keyword-only function that
takes `by`, is atomic, and records its audit entry (thurrock_care/audit)."""
