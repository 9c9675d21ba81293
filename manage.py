#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiaotong.settings")
    # On a developer's machine (no SECRET_KEY and no DEBUG configured) commands
    # run in development mode. A deployment sets SECRET_KEY, so this never
    # applies there, and the WSGI entry point has no such default.
    if "SECRET_KEY" not in os.environ and "DEBUG" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
