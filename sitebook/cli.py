"""The `sitebook` command: a thin wrapper around Django management.

`sitebook schedule compute FILE` is answered without starting Django at all, so that
scheduling a file from the shell costs only the engine's own time.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run a sitebook command and return its exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] == ["schedule", "compute"]:
        from sitebook.interchange.compute import main as compute_main

        return compute_main(args[2:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sitebook.config.settings")
    # Change records name the interface a write came through.
    os.environ.setdefault("SITEBOOK_AUDIT_SOURCE", "shell" if args[:1] == ["shell"] else "cli")
    from django.core.management import execute_from_command_line

    if args[:1] == ["schedule"] and len(args) > 1:
        # `sitebook schedule <verb>` maps to the management command `schedule_<verb>`.
        args = [f"schedule_{args[1]}", *args[2:]]
    execute_from_command_line(["sitebook", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
