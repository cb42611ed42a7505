"""Splits the SDK's service features into N batches of about equal operation counts, one line
each (as `dingtalk-openapi/<feature>` for `cargo --features`), so CI can run the tour over the
whole API without one build of every typed decoder (which peaks near 18 GB of memory).

    python3 .ci/tour-batches.py generated/Cargo.toml N
"""
import re
import sys

text = open(sys.argv[1]).read()
# Each service feature follows its comment "…: N operations" (written by `importer sync`).
found = re.findall(r"#[^\n]*: (\d+) operations?[^\n]*\n(\w+) = \[\]", text)
if not found:
    sys.exit("no service features with an operation count in " + sys.argv[1])
bins = [[0, []] for _ in range(int(sys.argv[2]))]
for ops, feature in sorted(found, key=lambda f: (-int(f[0]), f[1])):
    low = min(bins, key=lambda b: b[0])
    low[0] += int(ops)
    low[1].append("dingtalk-openapi/" + feature)
for _, features in bins:
    print(" ".join(sorted(features)))
