#!/usr/bin/env bash
# Stop only what this project started itself (Kafka). PostgreSQL and Redis are
# machine services that were running before us, so they are left alone.
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$SCRIPTS/kafka-stop.sh"
