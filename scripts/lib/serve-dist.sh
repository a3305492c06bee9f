# Sourced by scripts/test-web.sh and scripts/bench.sh: serves a built site on a free loopback port.
#
#   serve_dist DIR      sets PORT, starts scripts/serve-dist.py in the background, stops it on EXIT,
#                       and returns once the site answers (fails after 10 s if it never does).
serve_dist() {
  local dir="$1"
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  python3 scripts/serve-dist.py "$PORT" "$dir" >/dev/null 2>&1 &
  SERVER_PID=$!
  trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the local server for $dir did not answer on port $PORT" >&2
  return 1
}
