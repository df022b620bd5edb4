#!/usr/bin/env bash
# Feedback labels and the versioned config end to end: bre config show needs
# no workspace and its hash is what detect and scan record; a label shows in
# incidents list (JSON and table) and show; the next detect leaves the
# labelled window out of the baselines, keeps the incident and its label, and
# records both in its manifest; the latest label counts; a bad label is a
# usage error (2) listing the choices, an unknown incident "not found" (66).
source "$(dirname "$0")/lib.bash"
D="$WORK/company"
SPIKE=2026-03-01 SPIKE_END=2026-03-07   # as in detect.sh: a supplier delay every run finds
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# The config, before any workspace exists.
run config show --format json
expect_eq "$RC" 0 "config show without a workspace ($ERR)"
HASH=$(json 'd["config_hash"]' <<<"$OUT")
VERSION=$(json 'd["config_version"]' <<<"$OUT")
expect_eq "$VERSION" "$(json 'd["config"]["version"]' <<<"$OUT")" "config version"
[[ "$VERSION" == detect_v* ]] || fail "config version looks like detect_vN, got $VERSION"
expect_eq "$(json 'd["config"]["severity_bands"]["critical"]' <<<"$OUT")" 8 "critical band"
expect_eq "$(json '[t["metric"] for r in d["config"]["incident_rules"] if r["type"] == "supplier_dependency_failure" for t in r["triggers"]]' <<<"$OUT")" \
  "['supplier_delay_rate', 'supplier_delay_severity']" "supplier_dependency_failure triggers"
# The hash is the SHA-256 of the compact config as Python writes it canonically too.
expect_eq "sha256:$(json 'json.dumps(d["config"], separators=(",", ":"))' <<<"$OUT" | tr -d '\n' | sha256sum | cut -d' ' -f1)" \
  "$HASH" "config_hash is the SHA-256 of the compact config"
run config show --format table
expect_eq "$RC" 0 "config show as a table ($ERR)"
expect_contains "$OUT" "$HASH" "the table shows the hash"
expect_contains "$OUT" "supplier_delay_severity" "the table shows the triggers"
[ ! -e "$BRE_WORKSPACE" ] || fail "config show created a workspace"

seeded_company "$D" "supplier_delay@$SPIKE"
run build-state --format json
expect_eq "$RC" 0 "build-state ($ERR)"

run detect --format json
expect_eq "$RC" 0 "detect ($ERR)"
expect_eq "$(json 'd["config_hash"]' <<<"$OUT")" "$HASH" "detect prints the config hash"
expect_eq "$(json 'd["labelled_windows_excluded"]' <<<"$OUT")" 0 "nothing labelled yet"
RUN1=$(json 'd["run_id"]' <<<"$OUT")
run manifest "$RUN1" --format json
expect_eq "$RC" 0 "detect runs are recorded ($ERR)"
expect_eq "$(json '(d["command"], d["config_hash"], d["config"]["version"], d["human_inputs"])' <<<"$OUT")" \
  "('detect', '$HASH', '$VERSION', [])" "detect manifest"

run incidents list --format json
LIST1=$OUT
expect_eq "$(json '{i["label"] for i in d}' <<<"$LIST1")" "{None}" "no labels before labelling"
ID=$(json "next((i['incident_id'] for i in d if i['incident_type'] == 'supplier_dependency_failure'
             and i['incident_window_start'] <= '$SPIKE_END' and i['incident_window_end'] >= '$SPIKE'), '')" <<<"$LIST1")
[ -n "$ID" ] || { fail "no supplier_dependency_failure overlapping $SPIKE..$SPIKE_END in: $LIST1"; finish; }
WSTART=$(json "next(i['incident_window_start'] for i in d if i['incident_id'] == '$ID')" <<<"$LIST1")
WEND=$(json "next(i['incident_window_end'] for i in d if i['incident_id'] == '$ID')" <<<"$LIST1")

# Label it: list (JSON and table) and show carry the label.
run incidents label "$ID" expected --note "planned supplier switch" --format json
expect_eq "$RC" 0 "incidents label ($ERR)"
expect_eq "$(json '(d["incident_id"], d["label"], d["label_note"])' <<<"$OUT")" \
  "('$ID', 'expected', 'planned supplier switch')" "label output"
run incidents list --format json
expect_eq "$(json "[(i['incident_id'], i['label']) for i in d if i['label']]" <<<"$OUT")" "[('$ID', 'expected')]" \
  "list: only the labelled incident has a label"
run incidents list --type supplier_dependency_failure --format table
expect_contains "$(head -n 1 <<<"$OUT")" "label" "the table has a label column"
expect_contains "$(grep "$ID" <<<"$OUT")" "expected" "the table shows the label"
run incidents show "$ID" --format json
expect_eq "$(json '(d["label"], d["label_note"], d["labelled_at"][:2])' <<<"$OUT")" \
  "('expected', 'planned supplier switch', '20')" "show: label, note and time"

# Errors.
run incidents label "$ID" fine
expect_eq "$RC" 2 "a bad label is a usage error"
expect_contains "$ERR" "anomaly, expected, not_anomaly" "the error lists the labels"
run incidents label inc_nope expected --format json
expect_eq "$RC" 66 "labelling an unknown incident"
expect_eq "$(json 'd["error"]["code"]' <<<"$OUT")" INCIDENT_NOT_FOUND "error code of an unknown incident"
expect_eq "$(sql "SELECT count(*) FROM incident_feedback")" 1 "refused labels write nothing"

# Re-detect: the window leaves the baselines; the incident and its label stay; the manifest says so.
run detect --format json
expect_eq "$RC" 0 "second detect ($ERR)"
expect_eq "$(json 'd["labelled_windows_excluded"]' <<<"$OUT")" 1 "one labelled window excluded"
RUN2=$(json 'd["run_id"]' <<<"$OUT")
run incidents show "$ID" --format json
expect_eq "$RC" 0 "the labelled incident is still there ($ERR)"
expect_eq "$(json '(d["label"], d["incident_window_start"])' <<<"$OUT")" "('expected', '$WSTART')" \
  "label and window start after re-detect"
run manifest "$RUN2" --format json
M2=$OUT
expect_eq "$(json '[(h["incident_id"], h["label"], h["label_note"]) for h in d["human_inputs"]]' <<<"$M2")" \
  "[('$ID', 'expected', 'planned supplier switch')]" "human_inputs of the second detect"
expect_eq "$(json '[(e["incident_id"], e["from"], e["to"], e["metrics"]) for e in d["baseline_exclusions"]]' <<<"$M2")" \
  "[('$ID', '$WSTART', '$WEND', ['supplier_delay_rate', 'supplier_delay_severity'])]" \
  "baseline_exclusions of the second detect"

# A scan records the same inputs and config.
run scan --format json
expect_eq "$RC" 0 "scan ($ERR)"
expect_eq "$(json '(d["config_hash"], [h["label"] for h in d["human_inputs"]], len(d["baseline_exclusions"]))' <<<"$OUT")" \
  "('$HASH', ['expected'], 1)" "scan manifest: config hash and labels"

# The latest label counts: relabelled an anomaly, the window is history again.
run incidents label "$ID" anomaly
expect_eq "$RC" 0 "relabel ($ERR)"
run incidents show "$ID" --format json
expect_eq "$(json '(d["label"], d["label_note"])' <<<"$OUT")" "('anomaly', None)" "the latest label counts"
run detect --format json
expect_eq "$(json 'd["labelled_windows_excluded"]' <<<"$OUT")" 0 "an anomaly label excludes nothing"
expect_eq "$(sql "SELECT group_concat(value, ',') FROM (SELECT value FROM incident_feedback ORDER BY feedback_id)")" \
  "expected,anomaly" "every label is kept"

# Filters for triage: by label (none = not yet labelled) and by least confidence.
run incidents list --label anomaly --format json
expect_eq "$(json '[i["incident_id"] for i in d]' <<<"$OUT")" "['$ID']" "--label anomaly"
run incidents list --label none --format json
expect_eq "$(json '"'"$ID"'" in [i["incident_id"] for i in d] or any(i["label"] for i in d)' <<<"$OUT")" "False" \
  "--label none lists only unlabelled incidents"
run incidents list --format json
ALL=$OUT
run incidents list --min-confidence high --format json
expect_eq "$(json 'sorted({i["confidence"] for i in d} - {"high", "very_high"})' <<<"$OUT")" "[]" \
  "--min-confidence high keeps high and very_high"
expect_eq "$(json 'len(d)' <<<"$OUT")" \
  "$(json 'len([i for i in d if i["confidence"] in ("high", "very_high")])' <<<"$ALL")" \
  "--min-confidence high drops only the less confident"
run incidents list --label maybe
expect_eq "$RC" 2 "an unknown --label is a usage error"

finish
