#!/usr/bin/env bash
# Stop only what this project started itself (Kafka, the Redis Cluster's nodes). PostgreSQL and
# Redis are machine services that were running before us, so they are left alone.
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$SCRIPTS/kafka-stop.sh"
"$SCRIPTS/redis-cluster-stop.sh"
