#!/usr/bin/env bash
# The manual (man/*.1) against the real binary: every page renders without
# warnings and has the standard sections; every command reachable from
# `bre --help` (walking `bre help PATH` through the "Subcommands:" sections)
# has a page that names it, and every long option its help shows is in that
# page; the commands bre.1 calls planned are indeed not implemented.
source "$(dirname "$0")/lib.bash"
: "${BRE_SOURCE_DIR:?BRE_SOURCE_DIR must point at the repository}"
MAN_DIR="$BRE_SOURCE_DIR/man"
export LC_ALL=C.UTF-8 MANWIDTH=80

shopt -s nullglob
pages=("$MAN_DIR"/*.1)
shopt -u nullglob
[ "${#pages[@]}" -gt 0 ] || { fail "no man pages in $MAN_DIR"; finish; }

have_groff=false; command -v groff >/dev/null 2>&1 && have_groff=true
have_man=false; command -v man >/dev/null 2>&1 && have_man=true

# The text a reader sees, one paragraph per line (very long lines, no
# hyphenation), so words and options are never split. Without groff, an
# approximation from the source: macros and font escapes stripped.
page_text() {
  if $have_groff; then
    groff -man -Tascii -rLL=2000n -rHY=0 -P-cbou "$1" 2>/dev/null
  else
    sed -e '/^\.\\"/d' -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\-/-/g' \
        -e "s/\\\\(aq/'/g" -e 's/\\&//g' -e 's/\\e/\\/g' "$1" |
      awk '# Alternating-font macros join their arguments; the others keep spaces.
        /^\.(BR|RB|IR|RI|BI|IB) / { sub(/^\.[A-Z]+ +/, ""); out = ""; q = 0
          for (i = 1; i <= length($0); i++) { c = substr($0, i, 1)
            if (c == "\"") q = !q; else if (c != " " || q) out = out c }
          print out; next }
        { sub(/^\.[A-Za-z]+ */, ""); gsub(/"/, ""); print }'
  fi
}

# Rendered once per page: name -> text with blanks squeezed.
declare -A TEXT
for p in "${pages[@]}"; do TEXT[$(basename "$p")]=$(page_text "$p" | tr -s ' \t' '  '); done

# 1. Rendering: no warning from groff (all warnings on) nor from man.
if ! $have_groff && ! $have_man; then
  echo "SKIP: neither groff nor man is installed; rendering warnings not checked" >&2
fi
for p in "${pages[@]}"; do
  name=$(basename "$p")
  if $have_groff; then
    w=$(groff -man -ww -z -Tutf8 "$p" 2>&1) || fail "$name: groff failed: $w"
    [ -z "$w" ] || fail "$name: groff warnings: $w"
  fi
  if $have_man; then
    w=$(man --warnings -l -Tutf8 "$p" 2>&1 >/dev/null) || fail "$name: man failed: $w"
    [ -z "$w" ] || fail "$name: man warnings: $w"
  fi
  # The title matches the file name; the sections every page has.
  title=$(sed -n 's/^\.TH \([^ ]*\) \([0-9]\).*/\1.\2/p' "$p" | sed 's/\\-/-/g' | tr '[:upper:]' '[:lower:]')
  expect_eq "$title" "$name" "$name: .TH title"
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
    grep -Eq "^\.SH \"?$section\"?\$" "$p" || fail "$name: no $section section"
  done
  # Every page it refers to exists.
  for ref in $(grep -oE 'bre(-[a-z-]+)?\(1\)' <<<"${TEXT[$name]}" | sort -u); do
    [ -f "$MAN_DIR/${ref%(1)}.1" ] || fail "$name: refers to $ref, which has no page"
  done
done

# 2. Every command path has a page that documents it and its options.
has_word() { grep -Eq -- "(^|[^[:alnum:]_-])$2([^[:alnum:]_-]|\$)" <<<"$1"; }
paths_seen=0
walk() {
  local path="$1" help page text opt sub
  if [ -z "$path" ]; then
    help=$("$BRE" --help) || { fail "bre --help failed"; return; }
    page="$MAN_DIR/bre.1"
  else
    # shellcheck disable=SC2086  # the path is words
    help=$("$BRE" help $path) || { fail "bre help $path failed"; return; }
    page="$MAN_DIR/bre-${path%% *}.1"
  fi
  paths_seen=$((paths_seen + 1))
  if [ ! -f "$page" ]; then
    fail "'bre ${path:---help}' has no man page (expected $(basename "$page"))"
  else
    text=${TEXT[$(basename "$page")]}
    if [ -n "$path" ]; then
      has_word "$text" "$path" || fail "$(basename "$page") does not mention '$path'"
      # bre.1 lists every command and points to its page.
      has_word "$BRE1_TEXT" "bre $path" || fail "bre.1 does not list 'bre $path'"
      has_word "$BRE1_TEXT" "bre-${path%% *}\\(1\\)" || fail "bre.1 does not refer to bre-${path%% *}(1)"
    fi
    for opt in $(grep -oE -- '(^|[^[:alnum:]-])--[a-z][a-z0-9-]*' <<<"$help" | sed 's/^[^-]//' | sort -u); do
      has_word "$text" "$opt" || fail "$(basename "$page") does not document $opt (shown by 'bre help ${path}')"
    done
  fi
  for sub in $(awk '/^Subcommands:/ { on = 1; next } on && /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }' <<<"$help"); do
    walk "${path:+$path }$sub"
  done
}
BRE1_TEXT=${TEXT[bre.1]-}
walk ""
[ "$paths_seen" -ge 2 ] || fail "found no subcommands in 'bre --help'"

# 3. What bre.1 lists as planned is not implemented yet (else it needs a page).
planned=$(awk '/Planned commands/ { on = 1; next } on && /EXIT STATUS/ { on = 0 } on' <<<"$BRE1_TEXT" |
  grep -E '^ *bre [a-z]' | grep -oE 'bre [a-z-]+( [a-z]+)?' | sed 's/^bre //' || true)  # none planned: empty
if grep -q "Planned commands" <<<"$BRE1_TEXT"; then
  [ -n "$planned" ] || fail "bre.1 has a 'Planned commands' section, but no command could be read from it"
fi
while read -r words; do
  [ -n "$words" ] || continue
  # shellcheck disable=SC2086
  if "$BRE" help $words >/dev/null 2>&1; then
    fail "bre.1 lists 'bre $words' as planned, but bre implements it: document it"
  fi
done <<<"$planned"

finish
