#!/usr/bin/env bash
# `cx completion bash|zsh|fish`, loaded the way a user loads it and run by the shell itself:
# completing `cx sh` offers shell, `cx run --net` offers --network, and `cx run --network ` offers
# allowlist and open. bash: the function `complete -p cx` names, called with COMP_WORDS and the
# rest set as readline sets them; zsh: _cx from fpath through compinit, driven by TAB in an
# interactive zsh on a zpty; fish: `complete -C`. A shell that is not installed is skipped.
here=$(dirname "$0")
. "$here/lib/common.sh"

require_cx
bin="$TEST_TMP/bin"
mkdir -p "$bin"
ln -s "$CX_BIN" "$bin/cx"
chome=$(new_home)
LINES_TO_COMPLETE=("cx sh" "cx run --net" "cx run --network ")

# in_shell NAME [VAR=VALUE...] CMD [ARGS...]: run CMD (20 s at most) with cx on PATH, a clean
# environment (plus the VAR=VALUE given) and an empty HOME; sets RUN_OUT (lines
# "LINE<TAB>CANDIDATE") and the rest like run_capture.
in_shell() {
  local name=$1
  shift
  run_capture timeout 20 env -i HOME="$chome" PATH="$bin:/usr/bin:/bin" LANG=C.UTF-8 TERM=dumb \
    XDG_CONFIG_HOME="$chome/.config" XDG_DATA_HOME="$chome/.local/share" "$@"
  [ "$RUN_RC" != 124 ] || fail "$name did not finish completing within 20 s"
  assert_rc 0 "$name completing"
}

# assert_offers SHELL: the candidates in RUN_OUT are the expected ones.
assert_offers() {
  local got net
  offers() { sed -n "s/^$1\t//p" <<<"$RUN_OUT" | sort -u | tr '\n' ' '; }
  got=$(offers 'cx sh')
  assert_eq "shell " "$got" "$1: the candidates for [cx sh]"
  net=$(offers 'cx run --net')
  [ "$net" = "--network " ] || [ "$net" = "--network= " ] ||
    fail "$1: the candidates for [cx run --net] are [$net], not --network"
  got=$(offers 'cx run --network ')
  assert_eq "allowlist open " "$got" "$1: the candidates for [cx run --network ]"
  pass "$1: cx sh -> shell, cx run --net -> ${net% }, cx run --network -> allowlist open"
}

complete_bash() {
  require_cmd bash
  cat >"$TEST_TMP/complete.bash" <<'EOF'
source <(cx completion bash) || exit 3
read -ra spec <<<"$(complete -p cx)" || exit 3
fn=
for ((i = 0; i < ${#spec[@]} - 1; i++)); do
  [ "${spec[i]}" != -F ] || fn=${spec[i + 1]}
done
[ -n "$fn" ] || { echo "complete -p cx names no function: ${spec[*]}" >&2; exit 3; }
# As readline calls it for the cursor at the end of LINE (words split on blanks; none of these
# lines has another COMP_WORDBREAKS character).
for line in "$@"; do
  COMP_LINE=$line COMP_POINT=${#line}
  read -ra COMP_WORDS <<<"$line"
  [[ $line != *" " ]] || COMP_WORDS+=("")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  "$fn" cx "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  for c in "${COMPREPLY[@]}"; do printf '%s\t%s\n' "$line" "$c"; done
done
EOF
  in_shell bash bash --norc --noprofile "$TEST_TMP/complete.bash" "${LINES_TO_COMPLETE[@]}"
  assert_offers bash
}

complete_zsh() {
  require_cmd zsh
  local zdir="$TEST_TMP/zsh"
  mkdir -p "$zdir/dot" "$zdir/functions"
  "$CX_BIN" completion zsh >"$zdir/functions/_cx" || fail "cx completion zsh failed"
  # The interactive zsh's .zshrc: compinit finds _cx in fpath. Each compadd that adds matches
  # also writes, with -O, those that match the word being completed to $CXT_OUT; TAB runs the
  # completion and then writes --end-- and the edited line.
  cat >"$zdir/dot/.zshrc" <<'EOF'
PS1='%% '
fpath=("$CXT_FPATH" $fpath)
autoload -U compinit
compinit -u -d "$ZDOTDIR/.zcompdump"
compadd() {
  local -a hits opts=("${(@)@[1,${@[(i)--]}-1]}")
  if (( ! ${opts[(I)-[OAD]]} )); then
    builtin compadd -O hits "$@"
    (( $#hits )) && print -rl -- $hits >>"$CXT_OUT"
  fi
  builtin compadd "$@"
}
cxt-complete() {
  zle complete-word
  print -rl -- --end-- "buffer=$BUFFER" >>"$CXT_OUT"
}
zle -N cxt-complete
bindkey '^I' cxt-complete
print -r -- --ready-- >>"$CXT_OUT"
EOF
  # The driver: types each line and TAB into the interactive zsh, prints what it offered.
  cat >"$zdir/drive.zsh" <<'EOF'
zmodload zsh/zpty zsh/zselect || exit 3
: >|"$CXT_OUT"
zpty cxz zsh -d -i || exit 3
await() {
  local i
  for ((i = 0; i < 100; i++)); do
    grep -qx -- "$1" "$CXT_OUT" && return 0
    # What the terminal shows is not needed; read it so that the pty never fills.
    while zpty -rt cxz screen 2>/dev/null; do :; done
    zselect -t 5
  done
  print -ru2 -- "zsh never wrote $1; it wrote: $(<"$CXT_OUT")"
  exit 1
}
await --ready--
for line in "$@"; do
  : >|"$CXT_OUT"
  zpty -w -n cxz "$line"$'\t'
  await --end--
  sed -n "/^--end--\$/q; s/^/$line\t/p; " "$CXT_OUT"
  sed -n "s/^buffer=/$line\tbuffer=/p" "$CXT_OUT" >&2
  zpty -w -n cxz $'\C-a\C-k'
done
zpty -d cxz
EOF
  in_shell zsh ZDOTDIR="$zdir/dot" CXT_FPATH="$zdir/functions" CXT_OUT="$zdir/out" \
    zsh -f "$zdir/drive.zsh" "${LINES_TO_COMPLETE[@]}"
  assert_offers zsh
  assert_contains "$RUN_ERR" "cx sh	buffer=cx shell " "zsh's line after TAB on [cx sh]"
}

complete_fish() {
  require_cmd fish
  cat >"$TEST_TMP/complete.fish" <<'EOF'
cx completion fish | source; or exit 3
for line in $argv
  for c in (complete -C "$line")
    printf '%s\t%s\n' $line (string replace -r '\t.*' '' -- $c)
  end
end
EOF
  in_shell fish fish --no-config "$TEST_TMP/complete.fish" "${LINES_TO_COMPLETE[@]}"
  assert_offers fish
}

subtests_each "bash, zsh and fish are all missing" complete_bash complete_zsh complete_fish
