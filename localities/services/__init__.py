"""Every write to localities' records goes through a function here, one module per domain:
`places` (organisations), `ilt` (membership, requests to join, meetings, actions, learning
cycles, community assets) and `residents` (records, story, people and places, consent,
break-glass, possible duplicates, merges). Each function takes `by`, the person (or None, for a
public form) whose action it is, and records its audit entry; functions that touch several
things call the function for each, so each thing touched has its entry."""
