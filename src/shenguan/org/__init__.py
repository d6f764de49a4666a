"""Organisation: jurisdictions, departments, divisions, users, roles, liaisons, API tokens."""
