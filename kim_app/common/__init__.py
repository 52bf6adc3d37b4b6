"""What two or more areas share: htmx responses, pagination, permissions, search, uploads."""
