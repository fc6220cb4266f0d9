"""Wagtail admin screens of the impulsion fund, grouped under one menu item
("Fonds d'impulsion", see donations/wagtail_hooks.py).

- gifts: the gifts, offline gifts and refunds;
- records: monthly gifts and Stripe's events (read-only);
- receipts: receipts, their PDF, the yearly receipts and totals;
- ledger: the fund's commitments to projects, the receipt issuers;
- dashboard: the panel on Wagtail's home page;
- permissions: who may do what (registered first, in wagtail_hooks).
"""
