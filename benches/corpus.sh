#!/usr/bin/env bash
# Whole-run benchmark: generates a synthetic news corpus from the seeds (names perturbed, see
# examples/gen_corpus.rs), builds it with every export on 1 and 2 threads under /usr/bin/time -v
# (wall time, peak memory), runs the same articles through compromise (npm) and kgraph side by
# side, and prints a Markdown table ready for BENCHMARKS.md.
#
#   bash benches/corpus.sh
#
# Settings (environment):
#   KGRAPH_BENCH_MB=200       size of the corpus, MB of article text
#   KGRAPH_BENCH_PEER_MB=20   size of the subset (the first files) both compromise and kgraph read
#                             in the side-by-side run; 0 skips it
#   KGRAPH_BENCH_THREADS="1 2" thread counts of the whole-corpus builds
# Everything is written under target/ (never committed): target/bench-corpus-<MB>/ (kept
# between runs and regenerated only when the generator's inputs change), target/bench-out-*/,
# target/bench-compromise/ (node_modules), target/bench-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${KGRAPH_BENCH_MB:-200}
PEER_MB=${KGRAPH_BENCH_PEER_MB:-20}
THREADS=${KGRAPH_BENCH_THREADS:-1 2}
COMPROMISE_VERSION=14.17.0
CORPUS=target/bench-corpus-$MB
LOGS=target/bench-logs
mkdir -p "$LOGS"

say() { echo "corpus.sh: $*" >&2; }

if [ ! -x /usr/bin/time ]; then
  say "installing GNU time (Debian package 'time')"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends time >/dev/null
fi

say "building (release)"
cargo build --release --quiet --bin kgraph --example gen_corpus
KGRAPH=target/release/kgraph

# The corpus, regenerated when the size, the seeds, the names or the generator change.
stamp=$( (echo "$MB"; cat seeds/*.txt benches/names.tsv examples/gen_corpus.rs) | sha256sum | cut -c1-16)
if [ "$(cat "$CORPUS/.stamp" 2>/dev/null)" != "$stamp" ]; then
  say "generating $MB MB of articles into $CORPUS"
  rm -rf "$CORPUS"
  target/release/examples/gen_corpus seeds benches/names.tsv "$CORPUS" "$MB" >&2
  echo "$stamp" >"$CORPUS/.stamp"
fi

# run NAME -- COMMAND...: runs under /usr/bin/time -v; sets WALL (s), CPU (user + system s)
# and RSS (peak resident MB).
run() {
  local name=$1; shift; shift
  /usr/bin/time -v -o "$LOGS/$name.time" "$@" 2>"$LOGS/$name.err" >"$LOGS/$name.out" || {
    say "$name failed:"; tail -5 "$LOGS/$name.err" >&2; exit 1; }
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$LOGS/$name.time")
  CPU=$(awk -F': ' '/(User|System) time/ {s += $2} END {printf "%.2f", s}' "$LOGS/$name.time")
  RSS=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$LOGS/$name.time")
}

# The "N documents (X MB)" of kgraph's summary line.
summary_mb() { grep -o '([0-9.]* MB)' "$LOGS/$1.err" | tail -1 | tr -d '(MB )'; }
summary_docs() { grep -o '^kgraph: [0-9]* documents' "$LOGS/$1.err" | tail -1 | awk '{print $2}'; }
summary_graph() { grep -o '[0-9]* entities ([^)]*), [0-9]* relations' "$LOGS/$1.err" | tail -1; }
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) { print "n/a"; exit } r = a / b
    if (r < 1) printf "%.3f", r; else if (r < 100) printf "%.1f", r; else printf "%.0f", r }'
}

rows=()
base_mbs=""
for t in $THREADS; do
  say "kgraph build, $t thread(s), whole corpus"
  run "build-t$t" -- "$KGRAPH" build --threads "$t" "$CORPUS" -o "target/bench-out-t$t"
  mb=$(summary_mb "build-t$t"); docs=$(summary_docs "build-t$t")
  mbs=$(ratio "$mb" "$WALL")
  [ -n "$base_mbs" ] || base_mbs=$mbs
  rows+=("| kgraph build, all exports | $t | $mb MB, $docs docs | $WALL | $CPU | **$mbs** | $RSS | $(ratio "$mbs" "$base_mbs")× |")
  graph="$(summary_graph "build-t$t")"
done
same="n/a"
set -- $THREADS
if [ $# -ge 2 ]; then
  same=yes
  for t in $THREADS; do
    cmp -s "target/bench-out-t$1/graph.json" "target/bench-out-t$t/graph.json" || same=NO
  done
fi

peer_rows=()
if [ "$PEER_MB" != 0 ]; then
  # The subset: the first files of the corpus, at least PEER_MB of JSON Lines.
  SUBSET=target/bench-corpus-$MB-subset-$PEER_MB
  rm -rf "$SUBSET"; mkdir -p "$SUBSET"
  total=0
  for f in "$CORPUS"/part-*.jsonl; do
    [ "$total" -lt $((PEER_MB * 1000000)) ] || break
    ln -s "$(realpath "$f")" "$SUBSET/"
    total=$((total + $(stat -c %s "$f")))
  done
  if [ ! -d target/bench-compromise/node_modules/compromise ]; then
    say "installing compromise@$COMPROMISE_VERSION (npm) into target/bench-compromise"
    mkdir -p target/bench-compromise
    npm install --silent --no-audit --no-fund --prefix target/bench-compromise "compromise@$COMPROMISE_VERSION" >&2
  fi
  say "compromise on the subset ($PEER_MB MB)"
  run peer-compromise -- node benches/compromise.js target/bench-compromise/node_modules "$SUBSET"/part-*.jsonl
  c_wall=$WALL; c_cpu=$CPU; c_rss=$RSS
  c_mb=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log((r.bytes/1e6).toFixed(2))' "$LOGS/peer-compromise.out")
  c_docs=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(r.documents)' "$LOGS/peer-compromise.out")
  c_mbs=$(ratio "$c_mb" "$c_wall")
  peer_rows+=("| compromise $COMPROMISE_VERSION (node $(node --version)): people, places, organizations | 1 | $c_mb MB, $c_docs docs | $c_wall | $c_cpu | $c_mbs | $c_rss | 1× |")
  # kgraph on the same files with each thread count of the whole-corpus runs: one thread is the
  # like-for-like row (compromise runs on one); more is how a user runs kgraph on this machine.
  for t in $THREADS; do
    say "kgraph on the same subset, $t thread(s)"
    run "peer-kgraph-t$t" -- "$KGRAPH" build --threads "$t" "$SUBSET" -o "target/bench-out-subset-t$t"
    k_mb=$(summary_mb "peer-kgraph-t$t"); k_mbs=$(ratio "$k_mb" "$WALL")
    peer_rows+=("| kgraph build, all exports, same subset | $t | $k_mb MB | $WALL | $CPU | **$k_mbs** | $RSS | **$(ratio "$k_mbs" "$c_mbs")×** |")
  done
fi

cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
os=$( . /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -s)
cat <<EOF

Run of $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'): $cpu, $(nproc) cores, $mem, $os, load average before the run $(cut -d' ' -f1-3 /proc/loadavg).
Corpus: \`$CORPUS\`, $(ls "$CORPUS"/part-*.jsonl | wc -l) JSON Lines files from \`examples/gen_corpus.rs\`; graph: $graph.
Output identical with 1 and N threads: $same.

| run | threads | input | wall (s) | CPU (s) | MB/s (wall) | peak RSS (MB) | vs first row |
|---|---:|---|---:|---:|---:|---:|---:|
$(printf '%s\n' "${rows[@]}")
EOF
if [ ${#peer_rows[@]} -gt 0 ]; then
  cat <<EOF

Side by side on the first files of the corpus (\`$SUBSET\`):

| run | threads | input | wall (s) | CPU (s) | MB/s (wall) | peak RSS (MB) | throughput vs compromise |
|---|---:|---|---:|---:|---:|---:|---:|
$(printf '%s\n' "${peer_rows[@]}")
EOF
fi
