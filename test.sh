#!/usr/bin/env bash
# Runs every test of the solution. Anything the tests need beyond the .NET SDK is installed and
# started from here, so this one command works on a fresh clone: Debian's Chromium and ChromeDriver
# for the cashier screen's browser tests.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-chromium.sh
dotnet test PosBridge.sln --configuration Release "$@"
