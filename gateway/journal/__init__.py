"""The signal journal: every signal, its attempts and its outcome, in SQLite or PostgreSQL."""
