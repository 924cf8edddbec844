"""Roles scoped to authority and org unit, and the permission checks built on them."""
