"""Login providers: local password login and external identity providers (OpenID Connect, DeutschlandID).

Each provider is a :class:`~amtsweg.accounts.providers.base.LoginProvider` in the typed registry
``login_providers``; a successful login records the trust level (Vertrauensniveau) on the session.
"""
