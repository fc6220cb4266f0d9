"""The extranet's services, one module per sub-area (accounts, associates...)."""
