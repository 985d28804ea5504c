"""The `somatrace` command: Django's management commands under the project's own name.

somatrace demo | serve | migrate | createpractice | worker | backup PATH | restore PATH
somatrace check --deploy | seed --scale N | help
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "somatrace.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["somatrace", *sys.argv[1:]])


if __name__ == "__main__":
    main()
