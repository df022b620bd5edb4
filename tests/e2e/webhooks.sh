#!/usr/bin/env bash
# bre serve and the QuickBooks webhook, from outside: the real binary on a
# free port, fixture bodies signed the way Intuit's own test script does
# (openssl dgst -hmac | base64), posted with curl; rows checked with sqlite3.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the source tree}"
FIXTURES="$BRE_SOURCE_DIR/../shared/fixtures/qbo"
for tool in curl openssl sqlite3; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 0; }
done
[ -f "$FIXTURES/webhook-legacy.json" ] || { echo "skipped: no webhook fixtures at $FIXTURES"; exit 0; }

TOKEN="e2e-verifier-token-7f3a"
sign() { openssl dgst -sha256 -hmac "$2" -binary "$1" | base64; }
SERVER_PID=
stop_server() { [ -z "$SERVER_PID" ] || { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT

# Starts `bre serve --port 0` in the background; sets PORT from its first line.
start_server() {
  "$BRE" serve --host 127.0.0.1 --port 0 --format jsonl >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVER_PID=$!
  PORT=
  for _ in $(seq 1 100); do
    PORT=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$WORK/serve.out" | head -n 1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  fail "bre serve did not start: $(cat "$WORK/serve.err")"
  finish
}
# post BODY_FILE SIGNATURE: sets CODE and BODY.
post() {
  BODY=$(curl -sS -o - -w '\n%{http_code}' -X POST "http://127.0.0.1:$PORT/v1/webhooks/quickbooks" \
    -H 'Content-Type: application/json' -H "intuit-signature: $2" --data-binary @"$1")
  CODE=${BODY##*$'\n'}
  BODY=${BODY%$'\n'*}
}

run init
expect_eq "$RC" 0 "bre init"

# Without the verifier token the route exists but refuses (503), storing nothing.
unset BRE_QBO_WEBHOOK_VERIFIER
start_server
post "$FIXTURES/webhook-legacy.json" "$(sign "$FIXTURES/webhook-legacy.json" "$TOKEN")"
expect_eq "$CODE" 503 "no verifier token"
expect_contains "$BODY" WEBHOOK_NOT_CONFIGURED "503 error code"
stop_server
SERVER_PID=

export BRE_QBO_WEBHOOK_VERIFIER="$TOKEN"
start_server
health=$(curl -sS -H 'X-Request-ID: e2e-1' -D "$WORK/headers" "http://127.0.0.1:$PORT/v1/health")
expect_contains "$health" '"status":"ok"' "health"
expect_contains "$(tr -d '\r' <"$WORK/headers")" "X-Request-ID: e2e-1" "request id echoed"

for f in webhook-legacy.json webhook-cloudevents.json; do
  post "$FIXTURES/$f" "$(sign "$FIXTURES/$f" wrong-token)"
  expect_eq "$CODE" 401 "$f with a wrong signature"
  expect_contains "$BODY" WEBHOOK_SIGNATURE_INVALID "$f 401 body"
done
post "$FIXTURES/webhook-legacy.json" ""
expect_eq "$CODE" 401 "missing signature"
expect_eq "$(sql "SELECT count(*) FROM qbo_webhook_events")" 0 "nothing stored from refused deliveries"

for f in webhook-legacy.json webhook-cloudevents.json; do
  post "$FIXTURES/$f" "$(sign "$FIXTURES/$f" "$TOKEN")"
  expect_eq "$CODE" 200 "$f signed"
  expect_contains "$BODY" '"accepted":4' "$f accepted"
done
post "$FIXTURES/webhook-cloudevents.json" "$(sign "$FIXTURES/webhook-cloudevents.json" "$TOKEN")"
expect_eq "$CODE" 200 "redelivery"
expect_contains "$BODY" '"duplicates":4' "redelivery counted as duplicates"

expect_eq "$(sql "SELECT count(*) FROM qbo_webhook_events")" 8 "rows queued"
expect_eq "$(sql "SELECT count(*) FROM qbo_webhook_events WHERE fetched_by_pull IS NULL")" 8 "all unfetched"
expect_eq "$(sql "SELECT entity_type || ' ' || entity_id || ' ' || deleted_id FROM qbo_webhook_events
                  WHERE event_key = '0d5f7e22-91ab-4c38-b6d4-5e2f81a3c97d'")" "Customer 59 64" "merge row"
expect_eq "$(sql "SELECT group_concat(operation, ',') FROM (SELECT operation FROM qbo_webhook_events
                  WHERE format = 'legacy' ORDER BY entity_id)")" "Delete,Create,Update,Merge" "legacy operations"

# A second server on the same port is refused (exit 69), not silently sharing it.
run serve --port "$PORT"
expect_eq "$RC" 69 "port already in use"
expect_contains "$ERR" "cannot listen" "port in use error"

# SIGTERM stops it cleanly with status 0.
kill -TERM "$SERVER_PID"
set +e; wait "$SERVER_PID"; rc=$?; set -e
SERVER_PID=
expect_eq "$rc" 0 "exit status after SIGTERM"
finish
