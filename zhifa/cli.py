"""The ``zhifa`` command: Django's management commands with Zhifa's settings preset."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhifa", *sys.argv[1:]])


if __name__ == "__main__":
    main()
