#!/usr/bin/env bash
# The .deb, as a user gets it: CPack builds it from this build tree, and it is
# installed with apt-get in a clean Debian 12 container of the test base image
# (made a full system first: the slim base's dpkg rules drop man pages). There
# cx version, cx help, man cx and the packaged bash completion work; every
# library cx loads by name is present, so Depends is complete; cx reaches
# libcurl (a request to a closed port fails as a connection error, not as a
# missing library); and it uninstalls leaving none of its files.
. "$(dirname "$0")/lib/common.sh"
require_cmd cpack dpkg-deb
require_podman

build_dir=$(dirname "$CX_BIN")
[ -r "$build_dir/CPackConfig.cmake" ] || skip "no CPackConfig.cmake next to $CX_BIN"
pkg_dir="$TEST_TMP/pkg"
mkdir -p "$pkg_dir"
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$pkg_dir" > "$TEST_TMP/cpack.log" 2>&1 ||
  fail "cpack failed: $(tail -5 "$TEST_TMP/cpack.log")"
deb=$(ls "$pkg_dir"/cx_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "cpack made no cx_*.deb in $pkg_dir"
pass "cpack made $(basename "$deb")"

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libcurl4 libidn2-0 libpsl5; do
  [[ ", $depends," == *", $lib"[\ ,]* ]] || fail "Depends lacks $lib: [$depends]"
done
for f in ./usr/bin/cx ./usr/share/man/man1/cx.1 ./usr/share/bash-completion/completions/cx \
  ./usr/share/zsh/vendor-completions/_cx ./usr/share/fish/vendor_completions.d/cx.fish; do
  dpkg-deb -c "$deb" | awk '{print $NF}' | grep -qx "$f" || fail "the package has no $f"
done
pass "Depends: $depends; binary, man page and the three completions are in it"

# What the binary loads by name (dlopen) besides what it links.
sonames=$(grep -ao 'lib[a-z0-9_+-]*\.so\.[0-9][0-9]*' "$CX_BIN" | sort -u | tr '\n' ' ')

cat > "$TEST_TMP/inside.sh" <<'EOF'
set -eu
step() { echo "== $*"; }
step "full system: no dpkg path excludes"
rm -f /etc/dpkg/dpkg.cfg.d/*
step "apt-get install"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  /pkg/"$DEB" man-db bash-completion > /tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }
step "cx version"
cx version
step "cx help"
cx help | grep -q '^  completion '
cx help doctor | grep -q '^usage: cx doctor'
step "man cx"
MANPAGER=cat MANWIDTH=80 man cx > /tmp/man.txt
grep -q 'cx - run Claude Code' /tmp/man.txt
grep -q -- '--inference-profile' /tmp/man.txt
step "cx completion bash"
cx completion bash | cmp - /usr/share/bash-completion/completions/cx
bash -c '. /usr/share/bash-completion/bash_completion
  _completion_loader cx
  COMP_WORDS=(cx sh); COMP_CWORD=1; _cx; [ "${COMPREPLY[*]}" = shell ]
  COMP_WORDS=(cx run --net); COMP_CWORD=2; _cx; [ "${COMPREPLY[*]}" = --network ]'
step "libraries cx loads"
for so in $SONAMES; do
  ldconfig -p | grep -q "^[[:space:]]*$so " || { echo "missing $so"; exit 1; }
done
step "libcurl is reached"
out=$(env -i PATH=/usr/bin:/bin HOME=/tmp ENV_FILE=/tmp/cfg AWS_ACCESS_KEY_ID=AKIDEXAMPLE \
  AWS_SECRET_ACCESS_KEY=x AWS_ENDPOINT_URL_STS=http://127.0.0.1:9 sh -c '
  printf "RUNTIME=podman\nIMAGE_TAG=cx:t\nAWS_IAM_ROLE=arn:aws:iam::123456789012:role/r\nAWS_REGION=us-east-1\nCX_CACHE=0\n" > /tmp/cfg
  cx creds 2>&1' || true)
echo "$out"
case $out in *"Failed to connect to 127.0.0.1"*) ;; *) echo "libcurl did not make the request"; exit 1 ;; esac
step "uninstall"
files=$(dpkg -L cx | while read -r f; do [ -f "$f" ] && echo "$f"; done)
apt-get purge -y -qq cx > /tmp/purge.log 2>&1 || { cat /tmp/purge.log; exit 1; }
for f in $files; do [ ! -e "$f" ] || { echo "left behind: $f"; exit 1; }; done
! dpkg -s cx > /dev/null 2>&1
echo "removed $(echo "$files" | wc -l) files"
EOF

out=$(podman run --rm -v "$pkg_dir:/pkg:ro" -v "$TEST_TMP/inside.sh:/inside.sh:ro" \
  -e DEB="$(basename "$deb")" -e SONAMES="$sonames" "$CX_TEST_IMAGE_PODMAN" sh /inside.sh 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
[ "$rc" = 0 ] || fail "installing and using the .deb in a clean container failed (exit $rc)"
pass "apt-get install ./$(basename "$deb"), cx version/help, man cx, bash completion, libraries ($sonames), purge"
