#!/bin/sh
# Celery 5 on RabbitMQ, side by side with `colony bench local`: a private broker on 127.0.0.1
# (its own ports, data, logs and cookie under a temp dir), one worker (solo pool, concurrency 1),
# then bench.py in throughput and latency mode; everything is stopped at the end.
#   sh bench/celery/run.sh [TASKS] [LATENCY_TASKS]
set -eu
N=${1:-3000}
L=${2:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d /tmp/celery-bench.XXXXXX)
PORT=${BENCH_AMQP_PORT:-5682}
export HOME="$TMP/home"
mkdir -p "$HOME"
printf 'colonybenchcookie' > "$HOME/.erlang.cookie"; chmod 400 "$HOME/.erlang.cookie"
export ERL_EPMD_PORT=${BENCH_EPMD_PORT:-4380}
export RABBITMQ_NODENAME=colonybench@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$PORT
export RABBITMQ_DIST_PORT=$((PORT + 20000))
export RABBITMQ_MNESIA_BASE="$TMP/mnesia"
export RABBITMQ_LOG_BASE="$TMP/log"
export RABBITMQ_PLUGINS_EXPAND_DIR="$TMP/plugins"
export RABBITMQ_ENABLED_PLUGINS_FILE="$TMP/enabled_plugins"
export RABBITMQ_CONFIG_FILE="$TMP/rabbitmq"
export RABBITMQ_ADVANCED_CONFIG_FILE="$TMP/advanced.config"
export RABBITMQ_CONF_ENV_FILE="$TMP/rabbitmq-env.conf"
echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
echo '[].' > "$RABBITMQ_ADVANCED_CONFIG_FILE"
: > "$RABBITMQ_CONF_ENV_FILE"
printf 'loopback_users = none\nlisteners.tcp.default = 127.0.0.1:%s\n' "$PORT" > "$TMP/rabbitmq.conf"
export BENCH_BROKER="amqp://guest:guest@127.0.0.1:$PORT//"
export BENCH_STARTS="$TMP/starts.txt"

BROKER_PID=""; WORKER_PID=""
cleanup() {
  [ -n "$WORKER_PID" ] && kill "$WORKER_PID" 2>/dev/null || true
  [ -n "$BROKER_PID" ] && /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBITMQ_NODENAME" stop >/dev/null 2>&1 || true
  [ -n "$BROKER_PID" ] && kill "$BROKER_PID" 2>/dev/null || true
  sleep 1
  pkill_epmd=$(ps -eo pid,args | awk -v p="$ERL_EPMD_PORT" '/epmd/ && $0 ~ "-port "p {print $1}')
  [ -n "$pkill_epmd" ] && kill $pkill_epmd 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# epmd on our own port, so the system one (if any) is left alone
/usr/lib/erlang/erts-*/bin/epmd -port "$ERL_EPMD_PORT" -daemon 2>/dev/null || epmd -port "$ERL_EPMD_PORT" -daemon
/usr/lib/rabbitmq/bin/rabbitmq-server > "$TMP/broker.out" 2>&1 &
BROKER_PID=$!
i=0
until /usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBITMQ_NODENAME" await_startup >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 60 ] && { echo "broker did not start:"; tail -20 "$TMP/broker.out"; exit 1; }
  sleep 1
done
echo "broker up on 127.0.0.1:$PORT ($(/usr/lib/rabbitmq/bin/rabbitmqctl -n "$RABBITMQ_NODENAME" version 2>/dev/null))"

cd "$HERE"
"$PY" -m celery -A tasks worker -P solo -c 1 --without-gossip --without-mingle --without-heartbeat \
  -l warning > "$TMP/worker.out" 2>&1 &
WORKER_PID=$!
sleep 3
kill -0 "$WORKER_PID" 2>/dev/null || { echo "worker did not start:"; tail -20 "$TMP/worker.out"; exit 1; }

# the broker's Erlang VM: the beam.smp process below the rabbitmq-server script we started
beam_pid() {
  pids=$BROKER_PID
  for _ in 1 2 3 4 5; do
    for p in $(ps -eo pid=,ppid=,comm= | awk -v set=" $pids " 'index(set, " "$2" ") {print $1}'); do
      case " $pids " in *" $p "*) ;; *) pids="$pids $p";; esac
    done
  done
  ps -o pid=,comm= -p "$(echo $pids | tr ' ' ',')" | awk '$2 == "beam.smp" {print $1; exit}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
BEAM=$(beam_pid)
HZ=$(getconf CLK_TCK)

# warm-up, uncounted
"$PY" bench.py throughput 200 1000000 > /dev/null
W0=$(cpu_ticks "$WORKER_PID"); B0=$(cpu_ticks "$BEAM")
"$PY" bench.py throughput "$N" 0
W1=$(cpu_ticks "$WORKER_PID"); B1=$(cpu_ticks "$BEAM")
echo "worker cpu $(echo "($W1 - $W0) * 1000 / $HZ / $N" | bc -l | cut -c1-5) ms/task, broker cpu $(echo "($B1 - $B0) * 1000 / $HZ / $N" | bc -l | cut -c1-5) ms/task"
"$PY" bench.py latency "$L" 2000000
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
