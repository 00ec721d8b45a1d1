#!/usr/bin/env bash
# Starts a private redis-server for the tests of the Redis scale-out
# (crawler shared frontier, cluster stream, `syndex worker`/`syndex index`).
#
#   . .ci/redis.sh        # sourced: exports SYNDEX_TEST_REDIS and defines syndex_redis_stop
#   eval "$(.ci/redis.sh)" # executed: prints the export line
#
# Installs redis-server from Debian packages when it is missing, starts it
# on 127.0.0.1 on a free port with persistence off, waits until it answers
# PING, and stops it when the calling shell exits (sourced) or leaves it
# running for the caller to stop with `kill $SYNDEX_TEST_REDIS_PID`.
# Without it the tests start their own redis-server when the binary exists
# and skip, saying why, when it does not.

syndex_redis_start() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "installing redis-server" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null) >&2 ||
      { echo "redis.sh: could not install redis-server; the Redis tests will skip" >&2; return 1; }
  fi
  local dir port pid i
  dir=$(mktemp -d /tmp/syndex-redis.XXXXXX)
  for i in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
      echo $((20000 + RANDOM % 20000)))
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2 || continue
    for _ in $(seq 1 100); do
      if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
        pid=$(cat "$dir/redis.pid")
        export SYNDEX_TEST_REDIS="redis://127.0.0.1:$port/0"
        export SYNDEX_TEST_REDIS_PID="$pid"
        echo "redis-server $pid on 127.0.0.1:$port (log $dir/redis.log)" >&2
        return 0
      fi
      sleep 0.05
    done
    [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null
  done
  echo "redis.sh: redis-server did not start (see $dir/redis.log)" >&2
  return 1
}

syndex_redis_stop() {
  if [ -n "${SYNDEX_TEST_REDIS_PID:-}" ]; then
    kill "$SYNDEX_TEST_REDIS_PID" 2>/dev/null || true
    unset SYNDEX_TEST_REDIS SYNDEX_TEST_REDIS_PID
  fi
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: export into the caller and stop the server when it exits.
  if syndex_redis_start; then
    trap syndex_redis_stop EXIT
  fi
else
  set -euo pipefail
  syndex_redis_start
  echo "export SYNDEX_TEST_REDIS=$SYNDEX_TEST_REDIS SYNDEX_TEST_REDIS_PID=$SYNDEX_TEST_REDIS_PID"
fi
