"""事项清单 (catalog)."""
