"""审管联动 (linkage)."""
