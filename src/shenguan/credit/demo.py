def load() -> str | None:
    return None
