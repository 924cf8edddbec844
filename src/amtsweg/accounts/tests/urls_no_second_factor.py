"""URLs for the login tests without the access app's second-factor page (see urls_second_factor)."""

from amtsweg.accounts.tests.urls_second_factor import base

urlpatterns = base
