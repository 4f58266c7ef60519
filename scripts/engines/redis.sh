#!/usr/bin/env bash
# A throwaway Redis for the BullMQ engine (tests, CI, trying it out): Debian's redis-server on loopback only, on a
# free port, its data (append-only file, so a restart keeps the queue) in a directory of its own.
#
#   scripts/engines/redis.sh start DIR [PORT]   installs redis-server when missing (apt-get), starts it; prints redis://127.0.0.1:PORT
#   scripts/engines/redis.sh stop DIR           stops the server started in DIR (by its pid file)
#
# The server is never started by systemd and listens on 127.0.0.1 only (protected mode on, no password): it is
# for one machine. A real deployment runs its own Redis and passes its URL to `run`/`worker --redis`.
set -euo pipefail
cmd="${1:-}"
dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2; }

install_redis() {
  command -v redis-server >/dev/null && return
  echo "redis.sh: installing Debian's redis-server" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends redis-server >&2
  # Debian's package enables a system-wide server; we start our own on another port and leave that one alone.
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

case "$cmd" in
  start)
    install_redis
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    port="${3:-$(free_port)}"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
      --logfile "$dir/redis.log" --save "" --appendonly yes --appendfsync always >/dev/null
    for _ in $(seq 100); do
      redis-cli -p "$port" ping >/dev/null 2>&1 && { echo "$port" >"$dir/redis.port"; echo "redis://127.0.0.1:$port"; exit 0; }
      sleep 0.05
    done
    echo "redis.sh: redis-server did not answer on 127.0.0.1:$port (log: $dir/redis.log)" >&2
    exit 1
    ;;
  stop)
    [ -f "$dir/redis.pid" ] || exit 0
    pid="$(cat "$dir/redis.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
    ;;
  *)
    echo "usage: $0 start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
