#!/usr/bin/env bash
# Fetches the pinned official packages and imports them into spec/: the Python SDK wheel
# (the API's shape) and the Node package (example values only).
#
#   importer/import.sh            write or update spec/ (curated operations are kept), then the
#                                 SDK's cargo features and the README's coverage table
#   importer/import.sh --check    write nothing; exit 1 when spec/ is behind the packages, or the
#                                 features or the coverage table do not follow spec/
#
# Exit codes: 0 up to date or written, 1 behind (--check) or not understood, 2 a package could
# not be fetched (registry unreachable) or does not have its pinned hash.
#
# Upgrading a pin: change its version and sha256 together (the hash of the file as the registry
# serves it), run this script, review the diff of spec/ and the importer's report.
set -euo pipefail
cd "$(dirname "$0")/.."

WHEEL_VERSION=2.2.65
WHEEL_SHA256=05834d82a53782fabf556049ac4b3f67259e1e87dfb3e9f0d231e33fdf70ddad
NPM_VERSION=2.2.27
NPM_SHA256=42fccfb050152703c84fb80c076fa3b2d2298d61a8e9d9b9ab44e23eb499d9a2

WHEEL="target/import/alibabacloud_dingtalk-${WHEEL_VERSION}-py3-none-any.whl"
TGZ="target/import/alicloud-dingtalk-${NPM_VERSION}.tgz"
mkdir -p target/import

if [ ! -f "$WHEEL" ]; then
    command -v pip >/dev/null || { echo "error: pip is required to fetch the wheel" >&2; exit 2; }
    pip download --quiet --no-deps --dest target/import "alibabacloud-dingtalk==${WHEEL_VERSION}" || {
        echo "error: could not fetch alibabacloud-dingtalk ${WHEEL_VERSION} from PyPI (is pypi.org reachable?)" >&2
        exit 2
    }
fi
if [ ! -f "$TGZ" ]; then
    command -v npm >/dev/null || { echo "error: npm is required to fetch the examples" >&2; exit 2; }
    npm pack --silent --pack-destination target/import "@alicloud/dingtalk@${NPM_VERSION}" >/dev/null || {
        echo "error: could not fetch @alicloud/dingtalk ${NPM_VERSION} from npm (is registry.npmjs.org reachable?)" >&2
        exit 2
    }
fi
for pinned in "${WHEEL_SHA256}  ${WHEEL}" "${NPM_SHA256}  ${TGZ}"; do
    echo "$pinned" | sha256sum --check --quiet || {
        echo "error: ${pinned#*  } does not have the pinned sha256 ${pinned%%  *}" >&2
        exit 2
    }
done
rm -rf target/import/npm && mkdir -p target/import/npm
tar -xzf "$TGZ" -C target/import/npm

status=0
cargo run --quiet --release -p dingtalk-openapi-importer -- import \
    --wheel "$WHEEL" --examples target/import/npm/package --out spec "$@" || status=$?
# What follows the spec files (also after a hand-written file was added): checked with
# `--check`, written otherwise.
sync=()
for arg in "$@"; do
    [ "$arg" = --check ] && sync=(--check)
done
cargo run --quiet --release -p dingtalk-openapi-importer -- sync "${sync[@]}" || status=$?
exit "$status"
