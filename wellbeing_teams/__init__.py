"""Self-managed home-care teams: people supported, visits, outcomes, time."""
