#!/usr/bin/env bash
# Fetches the pinned official Python SDK wheel from PyPI and imports it into spec/.
#
#   importer/import.sh            write or update spec/ (curated operations are kept)
#   importer/import.sh --check    write nothing; exit 1 when spec/ is behind the wheel
#
# Upgrading the pin: change VERSION and SHA256 together (the hash of the new wheel as PyPI serves
# it), run this script, review the diff of spec/ and the importer's report.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=2.2.65
SHA256=05834d82a53782fabf556049ac4b3f67259e1e87dfb3e9f0d231e33fdf70ddad
WHEEL="target/wheel/alibabacloud_dingtalk-${VERSION}-py3-none-any.whl"

if [ ! -f "$WHEEL" ]; then
    command -v pip >/dev/null || { echo "pip is required to fetch the wheel" >&2; exit 2; }
    pip download --quiet --no-deps --dest target/wheel "alibabacloud-dingtalk==${VERSION}"
fi
echo "${SHA256}  ${WHEEL}" | sha256sum --check --quiet || {
    echo "error: ${WHEEL} does not have the pinned sha256 ${SHA256}" >&2
    exit 2
}
cargo run --quiet --release -p dingtalk-openapi-importer -- import --wheel "$WHEEL" --out spec "$@"
