"""Core: base models, scoping, domain errors, request ids and masking shared by every app."""
