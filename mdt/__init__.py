"""Multi-disciplinary team meetings: requests, invitations, the meeting record, actions."""
