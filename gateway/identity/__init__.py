"""Who may sign in to the hall and what their tokens say: local accounts, single sign-on,
department systems, the signing keys (docs/security.md)."""
