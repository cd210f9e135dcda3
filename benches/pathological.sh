#!/usr/bin/env bash
# Pathological documents: is the time linear in their size? Builds each document at size n and
# 4n with the release binary and prints the seconds and the ratio (linear: about 4; quadratic:
# about 16). Usage: [KINDS="people 1000,caps 250000"] bash benches/pathological.sh [n-scale, default 1]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/kgraph
scale=${1:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen() { # kind count file
  python3 - "$1" "$2" "$3" <<'PY'
import sys
kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo"]
with open(path, "w") as f:
    if kind == "caps":      # n capitalized words, no punctuation: one endless name candidate
        f.write(" ".join(words[(i * 7 + i // 11) % len(words)] for i in range(n)))
    elif kind == "repeat":  # one name n times, each in its own short sentence
        f.write("Nicolás Maduro spoke. " * n)
    elif kind == "bare":    # one name n times with no punctuation at all
        f.write("Nicolás Maduro " * n)
    elif kind == "line":    # n sentences of news prose on one line
        f.write("Venezuelan President Nicolás Maduro met Colombian President Gustavo Petro in Bogotá on Monday. " * n)
    elif kind == "people":  # n distinct people, two per sentence (corpus-wide resolution)
        first = ["Alberto", "Beatriz", "Carlos", "Diana", "Esteban", "Fabiola", "Gustavo", "Helena", "Ignacio", "Julia"]
        for i in range(0, n, 2):
            a = f"{first[i % 10]} {''.join(chr(97 + (i // 10 // 26 ** k) % 26) for k in range(4)).capitalize()}"
            b = f"{first[(i + 1) % 10]} {''.join(chr(97 + ((i + 1) // 10 // 26 ** k) % 26) for k in range(4)).capitalize()}"
            f.write(f"Minister {a} met President {b} in Caracas.\n\n")
    elif kind == "nested":  # n nested elements of HTML
        f.write("<div><span>" * n + "<p>Maduro spoke in Caracas.</p>")
PY
}
printf '%-8s %10s %9s %10s %9s %6s\n' doc n seconds 4n seconds ratio
specs=("caps 250000" "repeat 25000" "bare 25000" "line 100000" "nested 100000" "people 1000")
# KINDS="people 1000,caps 1000" runs only those.
if [ -n "${KINDS:-}" ]; then IFS=',' read -ra specs <<< "$KINDS"; fi
for spec in "${specs[@]}"; do
  set -- $spec
  kind=$1; n=$(( $2 * scale )); ext=txt; [ "$kind" = nested ] && ext=html
  times=()
  for m in "$n" "$((4 * n))"; do
    gen "$kind" "$m" "$tmp/doc.$ext"
    s=$(date +%s.%N)
    "$bin" build --quiet "$tmp/doc.$ext" -o "$tmp/out" >/dev/null 2>&1
    e=$(date +%s.%N)
    times+=("$(echo "$e - $s" | bc)")
  done
  printf '%-8s %10d %9.2f %10d %9.2f %6.1f\n' "$kind" "$n" "${times[0]}" "$((4 * n))" "${times[1]}" "$(echo "${times[1]} / ${times[0]}" | bc -l)"
done
