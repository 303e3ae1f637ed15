#!/usr/bin/env bash
# Bring up every real component the services need, locally and on loopback:
# PostgreSQL, Redis, Kafka. Each step is idempotent, so this is safe to re-run.
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$SCRIPTS/postgres-ensure.sh"
"$SCRIPTS/redis-ensure.sh"
"$SCRIPTS/kafka-start.sh"
"$SCRIPTS/dav-clients-ensure.sh"
