"""Who signs in at the gateway: the adapters of the identity sources (single sign-on, ...)."""
