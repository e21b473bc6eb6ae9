"""Format readers: each turns bytes into pages (and OCR jobs where pixels must be read)."""
