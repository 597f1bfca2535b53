"""The fees service: fee standards now; assessment, one-point collection and receipts later."""
