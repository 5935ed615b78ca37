"""Fail fast, with a clear message, when the test services are not reachable."""

from __future__ import annotations

import os
import socket
import sys
from urllib.parse import urlsplit

SERVICES = {
    "PostgreSQL": os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/blkk_portal"
    ),
    "Redis": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
}


def reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=3):
            return True
    except OSError:
        return False


def main() -> int:
    down = [name for name, url in SERVICES.items() if not reachable(url)]
    for name in down:
        print(
            f"{name} is not reachable at {SERVICES[name]}. The test suite runs on a "
            f"real {name}: start it, or point the environment at one "
            "(DATABASE_URL, REDIS_URL).",
            file=sys.stderr,
        )
    return 1 if down else 0


if __name__ == "__main__":
    sys.exit(main())
