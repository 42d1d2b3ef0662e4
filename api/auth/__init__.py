"""Authentication and role-based access: signed tokens, principals and access rules."""
