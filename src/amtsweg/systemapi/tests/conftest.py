from amtsweg.cases.tests.conftest import CaseWorld, _fast_passwords, cw  # noqa: F401 - shared fixtures
