"""Print the DATABASE_URL the test suite should use (see `make test`)."""

import os
import socket
import sys

LOCAL_PG = "postgres://postgres@127.0.0.1:5432/jiaotong"

url = os.environ.get("DATABASE_URL", "").strip()
if url:
    print(url)
    sys.exit(0)
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
except OSError:
    if os.environ.get("CI") == "true":
        print("make test: CI=true and PostgreSQL is not answering", file=sys.stderr)
        sys.exit(1)
    print(
        "make test: note: no PostgreSQL on 127.0.0.1:5432, running on SQLite",
        file=sys.stderr,
    )
    print("")
else:
    print(LOCAL_PG)
