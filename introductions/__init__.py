"""Local Area Coordination: introductions, conversations, drop-ins, stay-in-touch follow-ups."""
