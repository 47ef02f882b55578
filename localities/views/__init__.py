"""localities' pages, one module per domain (places, ilt, residents). Thin: look the record
up through its gate, validate a form, call one service, render or redirect."""
