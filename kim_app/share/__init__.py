"""Sharing: what a link to a page shows when it is shared (Open Graph previews)."""
