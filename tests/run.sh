#!/usr/bin/env bash
# The test command: install what the tests need, check the code, run the suite.
# Set TEST_DATABASE_URL=postgres://user@host:port/db to run on PostgreSQL.
# Extra arguments go to pytest, e.g. `bash tests/run.sh -k login`.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
npm install --silent --no-save --no-package-lock --no-audit --no-fund axe-core@4.14.1

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
