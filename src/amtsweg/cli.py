"""The ``amtsweg`` command: Django's management commands with Amtsweg's settings.

``amtsweg migrate``, ``amtsweg serve``, ``amtsweg worker``, ``amtsweg demo``, ``amtsweg import-catalogue`` …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsweg.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "amtsweg"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
