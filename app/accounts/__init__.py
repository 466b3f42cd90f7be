"""User accounts, service accounts and signing in."""
