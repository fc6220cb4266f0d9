"""The results screen of a general assembly (live turnout, then per-college and weighted
results) and the published receipts once the vote is closed."""
