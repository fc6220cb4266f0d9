"""The extranet's views, one module per sub-area (accounts, associates...)."""
