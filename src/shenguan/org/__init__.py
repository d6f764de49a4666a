"""Organisation: jurisdictions, departments, divisions, users, roles, liaison persons, API tokens."""
