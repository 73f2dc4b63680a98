"""People and how they sign in: organisations, users, roles, sessions, passwords."""
