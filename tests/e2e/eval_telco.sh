#!/usr/bin/env bash
# bre eval telco --save records the churn model in the models table; bre model
# score churn applies it; on the Telco snapshot the label-based churn_proxy of
# the state stage equals the observed churn rate the model is scored against.
source "$(dirname "$0")/lib.bash"
DATA="${BRE_SHARED_DATA:-$BRE_SOURCE_DIR/../shared/data}"
CSV="$DATA/telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"
[ -f "$CSV" ] || { echo "SKIP: no Telco data at $CSV"; exit 0; }

run init --currency USD
run --format json model score churn "$CSV"
expect_eq "$RC" 66 "scoring before any model is stored"
expect_contains "$OUT" MODEL_NOT_FOUND "no model yet"

run --format json eval telco "$CSV" --model logistic --seed 42 --save --split-out "$WORK/split.csv"
expect_eq "$RC" 0 "eval telco ($ERR)"
expect_eq "$(sql "SELECT name || ' ' || version FROM models")" "churn_logistic 1" "one models row"
expect_eq "$(sql "SELECT json_extract(training_window, '$.kind') || ' ' || json_extract(training_window, '$.train_rows') \
  || ' ' || json_extract(training_window, '$.test_rows') FROM models")" "stratified_random_split 5634 1409" "training window"
auroc=$(sql "SELECT json_extract(metrics, '$.auroc') > 0.8 AND json_extract(metrics, '$.auroc') < 0.9 FROM models")
expect_eq "$auroc" 1 "stored test AUROC in (0.8, 0.9)"
expect_eq "$(sql "SELECT json_array_length(json_extract(metrics, '$.reliability')) FROM models")" 10 "reliability bins"
expect_eq "$(sql "SELECT json_extract(params, '$.kind') FROM models")" logistic "params kind"
expect_eq "$(sql "SELECT json_type(params, '$.coefficients.tenure') FROM models")" real "a coefficient per feature"
expect_eq "$(grep -c ',test$' "$WORK/split.csv")" 1409 "split file test rows"
expect_eq "$(jq -r '.models[0].version' <<<"$OUT")" 1 "version reported"

run --format json model score churn "$CSV"
expect_eq "$RC" 0 "model score churn ($ERR)"
expect_eq "$(jq '.customers | length' <<<"$OUT")" 7043 "every customer scored"
expect_eq "$(jq '.expected_churn_rate > 0.24 and .expected_churn_rate < 0.29' <<<"$OUT")" true "expected churn rate"
observed=$(jq '.observed_churn_rate' <<<"$OUT")

# The label-based churn_proxy on the snapshot day is the same observed rate.
run ingest file "$CSV" --source telco_churn --as-of 2018-02-01
expect_eq "$RC" 0 "ingest telco ($ERR)"
run build-state
expect_eq "$RC" 0 "build-state ($ERR)"
run --format json metrics current
proxy=$(jq '.[] | select(.metric == "churn_proxy") | .value' <<<"$OUT")
expect_eq "$(jq -n "($proxy - $observed) | fabs < 1e-12")" true "churn_proxy $proxy = observed rate $observed"

bad="$WORK/bad.csv"
{ head -2 "$CSV"; sed -n 3p "$CSV" | sed 's/One year/Monthly/'; } >"$bad"
run --format json eval telco "$bad"
expect_eq "$RC" 65 "a bad row is invalid data"
expect_contains "$OUT" '"line": 3' "the bad row's line"
expect_contains "$OUT" '"field": "Contract"' "the bad row's field"
head -12 "$CSV" >"$WORK/small.csv"
run --format json eval telco "$WORK/small.csv"
expect_eq "$RC" 65 "too few customers to train and test"
expect_contains "$OUT" TOO_FEW_CUSTOMERS "too few customers"
finish
