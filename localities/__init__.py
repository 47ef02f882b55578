"""People and place: localities, organisations, ILT membership (later: residents, assets)."""
