#!/bin/sh
# workerd with its inspector open, for bench/profile.ts. wrangler's test harness has no
# inspector option, but it starts workerd through MINIFLARE_WORKERD_PATH; this wrapper
# adds --inspector-addr to `serve` on a port of its own (from its process id) and writes
# "<pid> <port>" to $BENCH_INSPECT_LOG so the profiler can find it.
PORT=$((9300 + $$ % 500))
if [ "$1" = "serve" ]; then
  echo "$$ $PORT" >> "$BENCH_INSPECT_LOG"
  exec "$BENCH_REAL_WORKERD" "$@" --inspector-addr="127.0.0.1:$PORT"
fi
exec "$BENCH_REAL_WORKERD" "$@"
