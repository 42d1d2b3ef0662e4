#!/usr/bin/env bash
# Install what the tests need beyond the Python packages: nothing yet besides the
# services that deploy/services.sh starts. Safe to run twice.
set -euo pipefail
exit 0
