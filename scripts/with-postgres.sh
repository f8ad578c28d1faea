#!/usr/bin/env bash
# Runs a command beside a private PostgreSQL that lives only as long as the command:
#   scripts/with-postgres.sh dotnet test ...
# Installs Debian's postgresql when no server binaries are found, makes a cluster in a temporary folder, starts it
# on a free port (TCP on 127.0.0.1 and a socket in that folder, nothing else), gives the command its address in
# POSBRIDGE_TEST_POSTGRES (an Npgsql connection string; tests make their own databases), then stops the server
# and removes the folder, whatever the command's outcome. No server of the machine is used or touched.
set -euo pipefail

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

bin=$(find_bin || true)
if [ -z "$bin" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "with-postgres: no PostgreSQL server here and no apt-get to install it; install Debian's postgresql package" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  # The package may start a cluster of its own where services run; ours is separate and on another port.
  $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql >/dev/null
  bin=$(find_bin)
fi

# PostgreSQL refuses to run as root: as root, the cluster belongs to the package's postgres user.
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  run_as=(runuser -u postgres --)
fi

folder=$(mktemp -d "${TMPDIR:-/tmp}/posbridge-postgres-XXXXXX")
chmod 700 "$folder"
[ "${#run_as[@]}" -gt 0 ] && chown postgres "$folder"

stop() {
  "${run_as[@]}" "$bin/pg_ctl" -D "$folder/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$folder"
}
trap stop EXIT

port=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 40000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
    port=$candidate
    break
  fi
done
[ -n "$port" ] || { echo "with-postgres: no free port found" >&2; exit 1; }

"${run_as[@]}" "$bin/initdb" -D "$folder/data" -U posbridge -A trust -E UTF8 --no-locale >/dev/null
# A throw-away cluster for tests: no fsync (a crash of the machine loses it anyway); the crash tests kill our
# processes, never PostgreSQL.
"${run_as[@]}" "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 \
  -o "-p $port -k $folder -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$folder/server.log" >&2; exit 1; }

export POSBRIDGE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=posbridge;Database=postgres"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (until the command ends)"

set +e
"$@"
status=$?
set -e
exit $status
