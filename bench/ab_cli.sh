#!/usr/bin/env bash
# Interleaved A/B of two builds of the `vae` CLI on the same machine: `vae bench` (MLP and conv, 2 threads) and the
# seconds of a 3-epoch default training run, the two builds alternating round by round so load shifts both alike.
#   bench/ab_cli.sh OLD/vae.dll NEW/vae.dll [ROUNDS]
# (build the old one with `git worktree add /tmp/old REV && dotnet build /tmp/old/src/VaeSharp.Cli -c Release`).
set -euo pipefail
old=$1 new=$2 rounds=${3:-3}
step() { dotnet "$1" bench --threads 2 --json "${@:2}" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("forward %.3f ms  fwd+bwd %.3f ms  step %.3f ms" % (d["forward_ms"], d["forward_backward_ms"], d["step_ms"]))'; }
for r in $(seq "$rounds"); do
  for v in old new; do dll=${!v}; echo "round $r $v mlp:  $(step "$dll")"; done
done
for r in $(seq "$rounds"); do
  for v in old new; do dll=${!v}; echo "round $r $v conv: $(step "$dll" --arch conv --steps 5)"; done
done
out=$(mktemp -d)
for r in $(seq "$rounds"); do
  for v in old new; do
    dll=${!v}
    dotnet "$dll" train --epochs 3 --threads 2 --json --out "$out/$v-$r" > /dev/null
    echo "round $r $v train epoch seconds: $(python3 -c 'import csv,sys; print(" ".join("%.3f" % float(r["seconds"]) for r in csv.DictReader(open(sys.argv[1]))))' "$out/$v-$r/metrics.csv")"
  done
done
rm -rf "$out"
