#!/usr/bin/env bash
# tests/snapshot.sh REPO OUTDIR: every user-visible output of the checkout REPO (its .venv) on
# the bundled examples and the case suite, for a refactoring check: `diff -r A B` of two
# snapshots must print nothing. Not part of pytest (it takes minutes).
set -uo pipefail
REPO=$(cd "$1" && pwd); OUT=$2
D="$REPO/.venv/bin/diagnose"
rm -rf "$OUT"; mkdir -p "$OUT"/{json,html,explain,pdf,misc,batch}
export DIAGNOSE_NO_CACHE=1
cd "$REPO"
inputs=(questionnaires/examples/*.yaml $(ls tests/fixtures/cases/*.yaml | grep -v '\.expect\.yaml$'))
for f in "${inputs[@]}"; do
  n=$(basename "$f" .yaml)
  "$D" report "$f" --format json -o "$OUT/json/$n.json" 2>"$OUT/json/$n.err"; echo "rc=$?" >>"$OUT/json/$n.err"
  for l in ru en; do
    "$D" report "$f" --format html --lang $l -o "$OUT/html/$n.$l.html" 2>"$OUT/html/$n.$l.err"; echo "rc=$?" >>"$OUT/html/$n.$l.err"
    "$D" explain "$f" --lang $l >"$OUT/explain/$n.$l.txt" 2>&1; echo "rc=$?" >>"$OUT/explain/$n.$l.txt"
  done
done
for f in questionnaires/examples/*.yaml; do
  n=$(basename "$f" .yaml)
  for l in ru en; do
    "$D" report "$f" --lang $l -o "$OUT/pdf/$n.$l.pdf" 2>/dev/null && pdftotext -layout "$OUT/pdf/$n.$l.pdf" "$OUT/pdf/$n.$l.txt" && rm "$OUT/pdf/$n.$l.pdf"
  done
done
for l in ru en; do
  "$D" questions --lang $l >"$OUT/misc/questions.$l.txt" 2>&1
  "$D" template --lang $l >"$OUT/misc/template.$l.yaml" 2>&1
done
"$D" validate questionnaires/sales-structure.rules.yaml >"$OUT/misc/validate-rules.txt" 2>&1; echo "rc=$?" >>"$OUT/misc/validate-rules.txt"
for f in tests/fixtures/invalid/*.yaml tests/fixtures/hostile/*/*.yaml; do
  [ -f "$f" ] || continue
  n=$(echo "$f" | tr / _)
  "$D" validate "$f" >"$OUT/misc/validate-$n.txt" 2>&1; echo "rc=$?" >>"$OUT/misc/validate-$n.txt"
done
tmp=$(mktemp -d); mkdir "$tmp/in"; cp tests/fixtures/cases/[0-9]*[a-z].yaml "$tmp/in/" 2>/dev/null; rm -f "$tmp/in/"*.expect.yaml
"$D" batch "$tmp/in" --out-dir "$tmp/out" --format json,html --jobs 2 >/dev/null 2>&1
for x in summary.csv summary.json portfolio.html; do
  [ -f "$tmp/out/$x" ] && sed "s#$tmp#TMP#g" "$tmp/out/$x" >"$OUT/batch/$x"
done
rm -rf "$tmp"
grep -rlI -e "$OUT" -e "$REPO" "$OUT" | xargs -r sed -i -e "s#$OUT#OUT#g" -e "s#$REPO#REPO#g"
echo "snapshot written to $OUT"
