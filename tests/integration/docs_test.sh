#!/usr/bin/env bash
# The documentation can be followed without leaving the repository: nothing outside docs/ cites the
# old external contract files, every citation of a docs/ page names a file and a heading that
# exist, and every relative link of the top-level pages and of docs/ leads to a file (and anchor)
# that exists. The checker is lib/docs_check.py. It is first run against a small fixture with
# known faults, and must find exactly those, so that a checker that finds nothing cannot pass;
# then against the repository, which must have no problem. No containers, no cx: about a second.
. "$(dirname "$0")/lib/common.sh"

checker="$CX_SOURCE_DIR/tests/integration/lib/docs_check.py"
# The system python when there is one: it starts in milliseconds (a pyenv shim takes half a second).
py=
for c in /usr/bin/python3 "${CX_TEST_PYTHON:-}" "$(command -v python3 2>/dev/null)"; do
  if [ -n "$c" ] && [ -x "$c" ]; then py=$c; break; fi
done
[ -n "$py" ] || skip "python3 is not installed"

# --- the fixture ----------------------------------------------------------------------------------
# Its text is assembled from pieces ($d for the docs folder, the old names split in two), so that
# this file itself cites nothing the real run would report.
fx="$TEST_TMP/fixture"
d=docs
old_spec="SP""EC.md"
old_brief="../shared/""brief/ORIG""INAL.md"
mkdir -p "$fx/$d" "$fx/src" "$fx/build/x" "$fx/.git"
: >"$TEST_TMP/elsewhere.md"
for page in ARCHITECTURE RELIABILITY BENCHMARKS; do printf '# %s\n' "$page" >"$fx/$page.md"; done
cat >"$fx/README.md" <<EOF
# Fixture

Good: [the guide]($d/guide.md), [its second part]($d/guide.md#exit-codes-1),
[an underlined title]($d/guide.md#an-underlined-title), [external](https://example.org/none.md).
Bad: [a page that is gone]($d/gone.md), [a missing anchor]($d/guide.md#no-such-part),
[outside](../elsewhere.md), [a missing file](nowhere/else.md).

\`\`\`
[inside a code block](nowhere.md)
\`\`\`
EOF
cat >"$fx/$d/guide.md" <<EOF
# Guide

## Exit codes

Same page: §Exit codes is good, §Exit codes, too; §Missing part is not.

## Exit codes

An underlined
title
-------------

[self](#an-underlined-title), [bad self](#exit-codes-2).
EOF
printf 'History: %s was the old contract; docs/ may say so.\n' "$old_spec" >"$fx/$d/old.md"
{
  printf '// good: %s/guide.md §Exit codes.\n' "$d"
  printf '// no such heading: %s/guide.md §Exit code\n' "$d"
  printf '// a longer word is not the heading: %s/guide.md §Exit codesmith\n' "$d"
  printf '// no such page: %s/gone.md §Anything\n' "$d"
  printf '// stale: %s §1\n' "$old_spec"
  printf '# stale: %s\n' "$old_brief"
} >"$fx/src/a.h"
# Not read: build folders, .git, binary files.
printf '%s\n' "$old_spec" >"$fx/build/x/notes.txt"
printf '%s\n' "$old_spec" >"$fx/.git/notes"
printf 'bin\0%s\n' "$old_spec" >"$fx/src/blob.dat"

expected=(
  "README.md:5: $d/gone.md: no such file"
  "README.md:5: link to $d/guide.md#no-such-part: $d/guide.md has no anchor #no-such-part"
  "README.md:6: link to ../elsewhere.md leaves the repository"
  "README.md:6: link to nowhere/else.md: nowhere/else.md: no such file"
  "$d/guide.md:5: no heading of this page is named by \"§Missing part is not.\""
  "$d/guide.md:13: link to #exit-codes-2: $d/guide.md has no anchor #exit-codes-2"
  "src/a.h:2: $d/guide.md has no heading that \"§Exit code\" names"
  "src/a.h:3: $d/guide.md has no heading that \"§Exit codesmith\" names"
  "src/a.h:4: $d/gone.md: no such file"
  "src/a.h:5: names $old_spec (outside the repository): cite a docs/ page instead"
  "src/a.h:6: names ORIG""INAL.md, shared/""brief (outside the repository): cite a docs/ page instead"
)

run_capture "$py" -I "$checker" "$fx"
echo "--- the fixture (${#expected[@]} known faults):"
printf '%s\n' "$RUN_OUT"
assert_rc 1 "the checker on the fixture"
for line in "${expected[@]}"; do
  grep -qxF -- "$line" <<<"$RUN_OUT" || fail "the checker missed a known fault: [$line]"
done
grep -qxF "  problems: ${#expected[@]}" <<<"$RUN_OUT" ||
  fail "the checker reported other problems than the fixture's ${#expected[@]} known faults"
pass "the checker finds each of the fixture's ${#expected[@]} faults and nothing else"

# --- the repository -------------------------------------------------------------------------------
run_capture "$py" -I "$checker" "$CX_SOURCE_DIR"
echo "--- the repository:"
printf '%s\n' "$RUN_OUT"
unset RUN_CMD  # printed above: fail need not repeat it
[ "$RUN_RC" = 0 ] || fail "the documentation has problems (listed above)"
# A checker that read nothing would pass too: the repository has citations and links to follow.
cited=$(sed -n 's/.* of which \([0-9]*\) cite a heading.*/\1/p' <<<"$RUN_OUT")
links=$(sed -n 's/.*relative links in [0-9]* markdown files: \([0-9]*\) .*/\1/p' <<<"$RUN_OUT")
[ "${cited:-0}" -gt 0 ] || fail "no citation of a docs/ heading was found in the repository"
[ "${links:-0}" -gt 0 ] || fail "no relative link was found in the repository's pages"
pass "the repository: $cited citations of docs/ headings and $links relative links, all resolve"
