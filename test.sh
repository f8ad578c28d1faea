#!/usr/bin/env bash
# Runs every test of the solution. Anything the tests need beyond the .NET SDK is installed and
# started from here, so this one command works on a fresh clone: Debian's Chromium and ChromeDriver
# for the cashier screen's browser tests, and Debian's PostgreSQL (a private cluster for this run only,
# scripts/with-postgres.sh) for the PostgreSQL store's tests.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-chromium.sh
./scripts/with-postgres.sh dotnet test PosBridge.sln --configuration Release "$@"
