"""The audit trail's admin lives in :mod:`amtsweg.access.admin`: who may read it depends on roles,
and core imports no other app."""
