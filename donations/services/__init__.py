"""Write-side rules of the donations app, by sub-area: `checkout` (a gift begins),
`webhooks` (Stripe tells what happened), `receipts`, `offline` (gifts staff record)."""
