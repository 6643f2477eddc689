#!/usr/bin/env bash
# The agent cannot leave a setuid or setgid program in the host project: as
# root on rootful podman (cx run by root with CX_ALLOW_ROOT=1: uid 0 in the
# container, no user namespace) and as a normal user on rootful docker, it
# tries every way a shell, coreutils, tar, perl and python offer (chmod,
# install -m, open/creat with the mode, mknod, cp -p and tar -p of setuid
# files). Each must fail with EPERM, and on the host no file of the project
# may carry S_ISUID or S_ISGID afterwards. Ordinary modes keep working.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/moto.sh"
. "$(dirname "$0")/lib/cx.sh"

require_cx
moto_up

# shellcheck disable=SC2016
attack='cd /src || exit 1
cp /bin/sh ./sh1 && chmod 755 ./sh1 && echo "plain chmod: ok"
chmod 4755 ./sh1 2>/dev/null || echo "chmod 4755: refused"
chmod u+s,g+s ./sh1 2>/dev/null || echo "chmod u+s: refused"
install -m 6755 /bin/sh ./sh2 2>/dev/null || echo "install -m 6755: refused"
perl -MFcntl -e "umask 0; sysopen(F, q(sh3), O_CREAT|O_WRONLY, 04755) or exit 1" 2>/dev/null || echo "open O_CREAT 04755: refused"
python3 -c "import os; os.mknod(\"sh4\", 0o102755)" 2>/dev/null || echo "mknod 02755: refused"
python3 -c "import os; fd = os.open(\"sh5\", os.O_CREAT | os.O_WRONLY, 0o644); os.fchmod(fd, 0o4755)" 2>/dev/null || echo "fchmod 04755: refused"
cp -p /usr/bin/su ./su 2>/dev/null; echo "cp -p su: done"
mkdir -p /tmp/t && cp /bin/sh /tmp/t/x && chmod 4755 /tmp/t/x 2>/dev/null
tar -C / -cf /tmp/su.tar usr/bin/su && tar -C /src -xpf /tmp/su.tar 2>/dev/null; echo "tar -xp su: done"
mkdir d && chmod 2775 d 2>/dev/null || echo "chmod 2775 dir: refused"
echo attack-done'

# check RUNTIME USER: run the attack in a cx session of RUNTIME as USER (empty: root).
check() {
  local rt=$1 user=$2 home proj line
  home=$(new_home "$user")
  moto_write_aws_credentials "$home"
  cx_write_config "$home/.claude-exec" RUNTIME="$rt"
  proj="$home/proj"
  mkdir -p "$proj"
  [ -z "$user" ] || chown "$user:" "$proj"
  cd "$proj" || fail "cd $proj"
  cx_run_capture "$user" "$home" shell -- sh -c "$attack"
  cd "$TEST_TMP" || fail "cd $TEST_TMP"
  [ "$RUN_RC" = 0 ] || fail "the attack session with $rt ${user:-as root} exited $RUN_RC: $RUN_ERR"
  for line in "plain chmod: ok" "chmod 4755: refused" "chmod u+s: refused" \
    "install -m 6755: refused" "open O_CREAT 04755: refused" "mknod 02755: refused" \
    "fchmod 04755: refused" "chmod 2775 dir: refused" attack-done; do
    assert_contains "$RUN_OUT" "$line" "the attack's report ($rt)"
  done
  local found
  found=$(find "$proj" -perm /6000 -printf '%m %u %p\n')
  [ -z "$found" ] || fail "setuid/setgid files left in the project by the agent ($rt): $found"
  [ -f "$proj/su" ] || fail "cp -p did not copy su at all ($rt): the test did not run"
  [ "$(stat -c %a "$proj/sh1")" = 755 ] || fail "an ordinary chmod did not hold ($rt)"
  pass "$rt ${user:-as root}: every way to a setuid/setgid file refused, none in the project"
}

ran=0
if [ -z "${CX_SKIP_PODMAN:-}" ]; then
  cx_image_ensure podman
  [ "$(id -u)" = 0 ] || skip "needs root, to run cx as root on rootful podman"
  check podman ""
  ran=1
else
  echo "note: podman part skipped: $CX_SKIP_PODMAN"
fi
if [ -z "${CX_SKIP_DOCKER:-}" ] && [ -z "${CX_SKIP_USER:-}" ] && id -nG "$CX_TEST_USER" | grep -qw docker &&
  run_as_user "$CX_TEST_USER" test -x "$CX_BIN"; then
  cx_image_ensure docker
  check "$CX_TEST_DOCKER" "$CX_TEST_USER"
  ran=1
else
  echo "note: docker part skipped: ${CX_SKIP_DOCKER:-${CX_SKIP_USER:-the test user cannot use docker or run $CX_BIN}}"
fi
[ "$ran" = 1 ] || skip "neither podman nor docker is usable"
