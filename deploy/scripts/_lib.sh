# Shared helpers for deploy/scripts/*.sh. Sourced, not executed.
# Callers set -euo pipefail themselves; this only defines things.

# Repo root = two levels above this file, so the scripts work from any cwd and
# from a fresh clone in any folder.
DATEBOOK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export DATEBOOK_ROOT

die() { echo "error: $*" >&2; exit 1; }
note() { echo "$*" >&2; }

# Milliseconds since the epoch (for timings and deadlines).
now_ms() { date +%s%3N; }

# Runs the command given (`wait_until TIMEOUT_S PAUSE_S cmd args…`) until it succeeds, pausing between
# tries; fails once TIMEOUT_S seconds have passed. A condition polled and bounded, never a fixed wait.
wait_until() {
  local timeout_s="$1" pause_s="$2"
  shift 2
  local deadline=$(( $(now_ms) + timeout_s * 1000 ))
  until "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep "$pause_s"
  done
}

# True if something accepts TCP connections on host:port. Bash's /dev/tcp is
# enough (no nc/ss dependency); `timeout` guards against a hung connect.
port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# apt-get install, quietly; the caller decides what to print. Runs
# `apt-get update` first because a fresh machine has no package lists.
apt_install() {
  local log
  log="$(mktemp /tmp/datebook-apt.XXXXXX.log)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "apt-get install $* failed (full log: $log)"
  fi
  rm -f "$log"
}
