"""The fees service: versioned fee standards, assessment of accepted cases into payment
notices, one-point collection with gapless receipts, refunds, day close and reconciliation."""
