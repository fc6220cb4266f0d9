"""The extranet's forms, one module per sub-area (accounts, associates...)."""
