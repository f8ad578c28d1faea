#!/usr/bin/env bash
# Runs every test of the solution. Anything the tests need beyond the .NET SDK is installed and
# started from here (none yet), so this one command works on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test PosBridge.sln --configuration Release "$@"
