#!/usr/bin/env bash
# Builds what a shop installs: self-contained single-file binaries of the connector (posbridge) and the till
# (posbridge-till) for each platform, needing no .NET on the target machine.
#
#   scripts/publish.sh [--out DIR] [RID ...]
#
# RIDs: linux-x64 linux-arm64 win-x64 osx-arm64 (default: all four). Output: DIR/<rid>/posbridge[.exe] and
# posbridge-till[.exe] (DIR defaults to out/publish), plus DIR/<rid>/SHA256SUMS. A platform whose runtime packs
# cannot be restored here is reported and skipped; the others are still built, and the exit code is 1.
set -euo pipefail
cd "$(dirname "$0")/.."

out="out/publish"
rids=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    linux-x64|linux-arm64|win-x64|osx-arm64) rids+=("$1"); shift ;;
    *) echo "publish: unknown argument '$1' (RIDs: linux-x64 linux-arm64 win-x64 osx-arm64; --out DIR)" >&2; exit 2 ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=(linux-x64 linux-arm64 win-x64 osx-arm64)
mkdir -p "$out"
out="$(cd "$out" && pwd)"

built=()
failed=()
for rid in "${rids[@]}"; do
  echo "== $rid"
  ok=1
  for project in src/PosBridge.Connector src/PosBridge.Terminal; do
    log="$out/$rid.$(basename "$project").log"
    # Single file with the native SQLite inside (extracted once to the bundle folder on first start);
    # compressed (about half the download; unpacked in memory at start); no trimming: configuration binding and JSON use reflection.
    # No -p:DebugType=none: a global property reaches the shared libraries, whose rebuild into their usual bin/
    # folder then deletes their .pdb files (incremental clean) under a build running beside it. Only the two
    # binaries are kept below, so the .pdb files published next to them go with the .build folder.
    if ! dotnet publish "$project" -c Release -r "$rid" --self-contained true \
        -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
        -o "$out/$rid/.build" >"$log" 2>&1; then
      ok=0
      if grep -q "NU1101\|NU1102\|NETSDK1094\|NETSDK1112\|Unable to find package" "$log"; then
        echo "   $rid: its runtime packs cannot be restored here (see $log); skipped." >&2
      else
        echo "   $rid: $(basename "$project") did not build; see $log" >&2
      fi
      break
    fi
  done
  if [ $ok -eq 1 ]; then
    ext=""; [ "${rid%%-*}" = "win" ] && ext=".exe"
    mv -f "$out/$rid/.build/posbridge$ext" "$out/$rid/posbridge$ext"
    mv -f "$out/$rid/.build/PosBridge.Terminal$ext" "$out/$rid/posbridge-till$ext"
    rm -rf "$out/$rid/.build" "$out/$rid".*.log
    (cd "$out/$rid" && sha256sum posbridge$ext posbridge-till$ext > SHA256SUMS)
    echo "   $(du -h "$out/$rid/posbridge$ext" | cut -f1) posbridge$ext, $(du -h "$out/$rid/posbridge-till$ext" | cut -f1) posbridge-till$ext"
    built+=("$rid")
  else
    rm -rf "$out/$rid/.build"
    failed+=("$rid")
  fi
done

echo "Built in $out: ${built[*]:-nothing}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "Not built: ${failed[*]} (logs beside them in $out)" >&2
  exit 1
fi
