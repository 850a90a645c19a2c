#!/usr/bin/env bash
# Run the demo: installs what is missing, builds the package, starts the local provider and the
# demo app, and prints the URL to open (http://127.0.0.1:4401/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/demo.mjs
