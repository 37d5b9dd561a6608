#!/usr/bin/env bash
# Evaluate a trained model against a threshold; exits non-zero (fails the run) when below it.
set -euo pipefail
MODEL_DIR="${1:-/models/ctr-lr}"
THRESHOLD="${2:-0.70}"
echo "evaluating ${MODEL_DIR} (threshold AUC ${THRESHOLD})"
AUC="$(cat "${MODEL_DIR}/metrics/auc" 2>/dev/null || echo 0)"
if awk -v a="$AUC" -v t="$THRESHOLD" 'BEGIN { exit !(a >= t) }'; then
  echo "PASS: AUC ${AUC} >= ${THRESHOLD}"
else
  echo "FAIL: AUC ${AUC} < ${THRESHOLD}" >&2
  exit 1
fi
