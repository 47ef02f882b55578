"""localities' forms, one module per domain (places, ilt, residents). They validate only: the
services write."""
