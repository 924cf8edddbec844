#!/usr/bin/env python
"""Django's manage.py; the same as the ``amtsweg`` command."""

from amtsweg.cli import main

if __name__ == "__main__":
    main()
