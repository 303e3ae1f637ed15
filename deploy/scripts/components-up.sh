#!/usr/bin/env bash
# Bring up every real component the services need, locally and on loopback:
# PostgreSQL, Redis (and the scale-out profile's Redis Cluster of three masters), Kafka.
# Each step is idempotent, so this is safe to re-run.
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$SCRIPTS/postgres-ensure.sh"
"$SCRIPTS/redis-ensure.sh"
"$SCRIPTS/redis-cluster-ensure.sh"
"$SCRIPTS/kafka-start.sh"
"$SCRIPTS/dav-clients-ensure.sh"
