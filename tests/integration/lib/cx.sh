# shellcheck shell=bash
# Helpers for tests that run real cx sessions. Source after common.sh (and moto.sh when the test
# talks to STS):
#   . "$here/lib/common.sh"; . "$here/lib/moto.sh"; . "$here/lib/cx.sh"
#
# The session image is expensive (cx build downloads Claude Code, minutes), so it is built once per
# runtime and shared by every test and by scripts/demo: tag CX_ITEST_IMAGE, guarded by a lock under
# CX_TEST_STATE, and reused while a stamp file says it was built from the recipe (Containerfile and
# entrypoint) the cx under test embeds (see cx_image_ensure).

CX_ITEST_IMAGE=${CX_ITEST_IMAGE:-localhost/cx-itest:latest}
# Not the cxtest user's HOME PATH of run_as_user alone: root also needs sbin for podman's helpers.
CX_ITEST_PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin

# --- config ----------------------------------------------------------------------------------

# cx_write_config FILE [KEY=VALUE...]: write a cx config file (0600, owned like its directory) with
# what a session needs in this version (RUNTIME=podman, IMAGE_TAG=CX_ITEST_IMAGE, the moto role,
# us-east-1, CX_CREDENTIALS=env, CX_NETWORK=open, the CA bundle, CX_ALLOW_ROOT=1 when the file's
# directory is root's); each KEY=VALUE given replaces the
# default of that key or is appended. Values are written verbatim (quote them yourself if needed).
cx_write_config() {
  local file=$1 kv key i
  shift
  local -a keys=(RUNTIME IMAGE_TAG AWS_IAM_ROLE AWS_REGION CX_CREDENTIALS CX_NETWORK)
  local -a vals=(podman "$CX_ITEST_IMAGE" "${MOTO_ROLE_ARN:-arn:aws:iam::123456789012:role/ClaudeCode}"
    us-east-1 env open)
  # A config for root (its directory is root's): root on a rootful runtime needs the opt-in (README,
  # "Running as root"); pass CX_ALLOW_ROOT= to test the refusal.
  if [ "$(stat -c %u "$(dirname "$file")")" = 0 ]; then
    keys+=(CX_ALLOW_ROOT)
    vals+=(1)
  fi
  if [ -n "${CX_TEST_CA:-}" ]; then
    keys+=(CX_EXTRA_CA_CERTS)
    vals+=("$CX_TEST_CA")
  fi
  for kv in "$@"; do
    key=${kv%%=*}
    for ((i = 0; i < ${#keys[@]}; i++)); do
      [ "${keys[$i]}" = "$key" ] && break
    done
    keys[i]=$key
    vals[i]=${kv#*=}
  done
  (
    umask 077
    {
      echo "# cx config written by the integration tests"
      for ((i = 0; i < ${#keys[@]}; i++)); do
        # An empty value drops the key (a test of a missing key).
        if [ -n "${vals[$i]}" ]; then echo "${keys[$i]}=${vals[$i]}"; fi
      done
    } >"$file"
  ) || fail "cannot write $file"
  chown "$(stat -c %u:%g "$(dirname "$file")")" "$file"
}

# --- running cx --------------------------------------------------------------------------------

# cx_env USER HOME [VAR=VALUE...] CMD [ARGS...]: run CMD in the current directory with a clean
# environment (HOME, USER, LOGNAME, PATH, LANG, CONTAINERS_CONF, DOCKER_HOST and CONTAINER_HOST when
# set (as a user's shell has them: lib/vm.sh exports them), CONTAINERS_STORAGE_CONF when set and USER
# is empty, AWS_ENDPOINT_URL_STS=MOTO_ENDPOINT when moto is up, then the VAR=VALUE words), as USER
# (empty: the current user, else via runuser).
cx_env() {
  local user=$1 home=$2
  shift 2
  local -a vars=("HOME=$home" "PATH=$CX_ITEST_PATH" "LANG=C.UTF-8")
  [ -n "${CONTAINERS_CONF:-}" ] && vars+=("CONTAINERS_CONF=$CONTAINERS_CONF")
  [ -n "${MOTO_ENDPOINT:-}" ] && vars+=("AWS_ENDPOINT_URL_STS=$MOTO_ENDPOINT")
  [ -n "${DOCKER_HOST:-}" ] && vars+=("DOCKER_HOST=$DOCKER_HOST")
  [ -n "${CONTAINER_HOST:-}" ] && vars+=("CONTAINER_HOST=$CONTAINER_HOST")
  if [ -z "$user" ]; then
    local me
    me=$(id -un)
    # A private podman storage (CONTAINERS_STORAGE_CONF) for a run that must not touch the
    # machine's images: cx's podman uses the same one as the test's own podman commands.
    [ -n "${CONTAINERS_STORAGE_CONF:-}" ] && vars+=("CONTAINERS_STORAGE_CONF=$CONTAINERS_STORAGE_CONF")
    env -i USER="$me" LOGNAME="$me" "${vars[@]}" "$@"
  else
    # Rootless podman keeps its images under $XDG_DATA_HOME (default ~/.local/share): point it at
    # the user's real storage, where cx_image_ensure loaded the image, not at the test HOME.
    local real_home
    real_home=$(getent passwd "$user" | cut -d: -f6)
    vars+=("XDG_DATA_HOME=$real_home/.local/share")
    # run_as_user sets HOME, USER, PATH..., and the words after it win over its defaults.
    run_as_user "$user" "${vars[@]}" "$@"
  fi
}

# cx_run_capture USER HOME [VAR=VALUE...] CX-ARGS...: run_capture of cx under cx_env.
cx_run_capture() {
  local user=$1 home=$2
  shift 2
  local -a vars=()
  while [ $# -gt 0 ] && [[ "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
    vars+=("$1")
    shift
  done
  run_capture cx_env "$user" "$home" "${vars[@]}" "$CX_BIN" "$@"
}

# cx_assert_clean_stderr [WHAT]: fail if the last run_capture's stderr has a line that is not
# `cx: error:`, `cx: hint:` or `cx: warning:`, or shows a crash (stack trace, "terminate called").
cx_assert_clean_stderr() {
  local what=${1:-stderr} line
  case "$RUN_ERR" in
    *"terminate called"* | *"Segmentation fault"* | *"Aborted"* | *"core dumped"* | *"#0 "* | *"AddressSanitizer"* | *"runtime error:"*)
      fail "$what shows a crash" ;;
  esac
  while IFS= read -r line; do
    [ -z "$line" ] && continue
    case "$line" in
      "cx: error: "* | "cx: hint: "* | "cx: warning: "*) ;;
      *) fail "$what has a line that is not cx: error/hint/warning: [$line]" ;;
    esac
  done <<<"$RUN_ERR"
}

# cx_assert_one_error [WHAT]: exactly one `cx: error:` line, at most one hint, and clean stderr.
cx_assert_one_error() {
  local what=${1:-stderr} n
  cx_assert_clean_stderr "$what"
  n=$(grep -c '^cx: error: ' <<<"$RUN_ERR")
  [ "$n" = 1 ] || fail "$what: expected one 'cx: error:' line, got $n"
  n=$(grep -c '^cx: hint: ' <<<"$RUN_ERR")
  [ "$n" -le 1 ] || fail "$what: expected at most one 'cx: hint:' line, got $n"
}

# --- the shared session image ------------------------------------------------------------------

# cx_image_hash: print the image recipe of the cx under test (`cx version`: a digest of the
# Containerfile and entrypoint it embeds, which cx build puts in the image's cx.image-recipe label)
# with a digest of the test CA bundle that the build trusts and the base image's id.
cx_image_hash() {
  local recipe base
  recipe=$("$CX_BIN" version | sed -n 's/.*(image recipe \([0-9a-f]*\)).*/\1/p')
  [ -n "$recipe" ] || return 1
  # The base it is built on: a re-imported base (test-env.sh, a new base recipe) means a rebuild.
  base=$(podman image inspect --format '{{.Id}}' "${CX_TEST_IMAGE_PODMAN:-}" 2>/dev/null | cut -c1-16)
  echo "$recipe-$(cat "${CX_TEST_CA:-/dev/null}" 2>/dev/null | sha256sum | cut -c1-16)-${base:-nobase}"
}

# _cx_image_id RUNTIME [USER [DOCKER_HOST]]: print the image id of CX_ITEST_IMAGE in RUNTIME's
# storage (as USER, talking to DOCKER_HOST).
_cx_image_id() {
  local rt=$1 user=${2:-} host=${3:-}
  if [ -n "$user" ]; then
    (cd / && run_as_user "$user" CONTAINERS_CONF="${CONTAINERS_CONF:-}" ${host:+DOCKER_HOST=$host} \
      "$rt" image inspect --format '{{.Id}}' "$CX_ITEST_IMAGE" 2>/dev/null)
  else
    "$rt" image inspect --format '{{.Id}}' "$CX_ITEST_IMAGE" 2>/dev/null
  fi
}

# _cx_image_fresh STAMP HASH ID: true when STAMP records HASH for image ID.
_cx_image_fresh() {
  [ -n "$3" ] && [ -r "$1" ] && [ "$(cat "$1")" = "$2 $3" ]
}

# _cx_image_build RT HASH STAMP: cx build with RUNTIME=RT (podman, or the docker client path) as
# the current user; writes "HASH ID" to STAMP.
_cx_image_build() {
  local rt=$1 hash=$2 stamp=$3 home log t0=$SECONDS id label
  log="$CX_TEST_STATE/cx-itest-build-$(basename "$rt").log"
  home=$(new_home)
  cx_write_config "$home/.claude-exec" RUNTIME="$rt"
  echo "note: building $CX_ITEST_IMAGE with $rt via cx build (log $log); takes minutes" >&2
  # --verbose: the runtime's whole output in this log, for a build that fails in CI.
  if ! (cd "$home" && cx_env "" "$home" "$CX_BIN" build --verbose) >"$log" 2>&1 </dev/null; then
    fail "cx build with $rt failed: $(grep -E '^cx: |rror' "$log" | tail -n 3)"
  fi
  id=$(_cx_image_id "$rt") || fail "cx build succeeded but $rt has no $CX_ITEST_IMAGE"
  label=$("$rt" image inspect --format '{{index .Config.Labels "cx.image-recipe"}}' "$CX_ITEST_IMAGE")
  [ "$label" = "${hash%%-*}" ] ||
    fail "cx build labelled $CX_ITEST_IMAGE cx.image-recipe=[$label], not this cx's [${hash%%-*}]"
  echo "$hash $id" >"$stamp"
  echo "note: cx build ($rt) took $((SECONDS - t0)) s" >&2
}

# cx_image_ensure KIND: make sure CX_ITEST_IMAGE, built from the current Containerfile, is in the
# storage KIND uses: `podman` (rootful), `docker` (CX_TEST_DOCKER's daemon), `rootless` (podman
# of CX_TEST_USER) or `rootless-docker` (CX_TEST_USER's rootless dockerd). Built once with cx build (podman; docker builds its own when podman is
# unavailable), then copied: `podman save | docker load` for
# docker (faster than a second build: no download), `podman save` + `podman load` as the user for
# rootless (a rootless build cannot reach the network here). Serialised by a lock, so parallel tests
# build once. Fails the test when cx build fails.
cx_image_ensure() {
  local kind=$1 hash stamp id lock="$CX_TEST_STATE/cx-itest-image.lock" t0
  [ -n "${CX_TEST_STATE:-}" ] || skip "CX_TEST_STATE is not set (run scripts/test-env.sh)"
  [ "$kind" = docker ] && require_docker
  if [ "$kind" != docker ] || [ -z "${CX_SKIP_PODMAN:-}" ]; then require_podman; fi
  hash=$(cx_image_hash) || fail "cx version printed no image recipe: $("$CX_BIN" version 2>&1)"
  exec {_cx_lock_fd}>"$lock" || fail "cannot open $lock"
  flock "$_cx_lock_fd" || fail "cannot lock $lock"

  # Without podman, docker builds its own copy.
  if [ "$kind" = docker ] && [ -n "${CX_SKIP_PODMAN:-}" ]; then
    stamp="$CX_TEST_STATE/cx-itest-docker.stamp"
    if ! _cx_image_fresh "$stamp" "$hash" "$(_cx_image_id "$CX_TEST_DOCKER")"; then
      _cx_image_build "$CX_TEST_DOCKER" "$hash" "$stamp"
    fi
    flock -u "$_cx_lock_fd"
    exec {_cx_lock_fd}>&-
    return 0
  fi

  stamp="$CX_TEST_STATE/cx-itest-podman.stamp"
  if ! _cx_image_fresh "$stamp" "$hash" "$(_cx_image_id podman)"; then
    _cx_image_build podman "$hash" "$stamp"
  fi
  local podman_id
  podman_id=$(_cx_image_id podman)

  case $kind in
    podman) ;;
    docker)
      require_docker
      stamp="$CX_TEST_STATE/cx-itest-docker.stamp"
      if ! _cx_image_fresh "$stamp" "$hash:$podman_id" "$(_cx_image_id "$CX_TEST_DOCKER")"; then
        t0=$SECONDS
        podman save "$CX_ITEST_IMAGE" | "$CX_TEST_DOCKER" load >"$CX_TEST_STATE/cx-itest-docker-load.log" 2>&1 ||
          fail "podman save | docker load failed: $(tail -n 2 "$CX_TEST_STATE/cx-itest-docker-load.log")"
        id=$(_cx_image_id "$CX_TEST_DOCKER") || fail "docker load did not make $CX_ITEST_IMAGE"
        echo "$hash:$podman_id $id" >"$stamp"
        echo "note: podman save | docker load took $((SECONDS - t0)) s" >&2
      fi
      ;;
    rootless)
      require_rootless_podman
      stamp="$CX_TEST_STATE/cx-itest-rootless-$CX_TEST_USER.stamp"
      if ! _cx_image_fresh "$stamp" "$hash:$podman_id" "$(_cx_image_id podman "$CX_TEST_USER")"; then
        t0=$SECONDS
        local tar="$CX_TEST_STATE/cx-itest-image.tar"
        rm -f "$tar"
        podman save -o "$tar" "$CX_ITEST_IMAGE" >/dev/null 2>&1 || fail "podman save -o $tar failed"
        chmod 0644 "$tar"
        (cd / && run_as_user "$CX_TEST_USER" CONTAINERS_CONF="$CONTAINERS_CONF" podman load -i "$tar") \
          >"$CX_TEST_STATE/cx-itest-rootless-load.log" 2>&1 ||
          fail "podman load as $CX_TEST_USER failed: $(tail -n 2 "$CX_TEST_STATE/cx-itest-rootless-load.log")"
        rm -f "$tar"
        id=$(_cx_image_id podman "$CX_TEST_USER") || fail "podman load did not make $CX_ITEST_IMAGE for $CX_TEST_USER"
        echo "$hash:$podman_id $id" >"$stamp"
        echo "note: podman save + load as $CX_TEST_USER took $((SECONDS - t0)) s" >&2
      fi
      ;;
    rootless-docker)
      [ -n "${CX_TEST_DOCKER_ROOTLESS_HOST:-}" ] ||
        skip "no rootless docker: ${CX_SKIP_ROOTLESS_DOCKER:-scripts/test-env.sh did not set one up}"
      stamp="$CX_TEST_STATE/cx-itest-rootless-docker-$CX_TEST_USER.stamp"
      if ! _cx_image_fresh "$stamp" "$hash:$podman_id" \
        "$(_cx_image_id "$CX_TEST_DOCKER" "$CX_TEST_USER" "$CX_TEST_DOCKER_ROOTLESS_HOST")"; then
        t0=$SECONDS
        podman save "$CX_ITEST_IMAGE" | (cd / && run_as_user "$CX_TEST_USER" \
          DOCKER_HOST="$CX_TEST_DOCKER_ROOTLESS_HOST" "$CX_TEST_DOCKER" load) \
          >"$CX_TEST_STATE/cx-itest-rootless-docker-load.log" 2>&1 ||
          fail "podman save | rootless docker load failed: $(tail -n 2 "$CX_TEST_STATE/cx-itest-rootless-docker-load.log")"
        id=$(_cx_image_id "$CX_TEST_DOCKER" "$CX_TEST_USER" "$CX_TEST_DOCKER_ROOTLESS_HOST") ||
          fail "rootless docker load did not make $CX_ITEST_IMAGE for $CX_TEST_USER"
        echo "$hash:$podman_id $id" >"$stamp"
        echo "note: podman save | rootless docker load took $((SECONDS - t0)) s" >&2
      fi
      ;;
    *) fail "cx_image_ensure: unknown kind $kind" ;;
  esac
  flock -u "$_cx_lock_fd"
  exec {_cx_lock_fd}>&-
}

# --- containers and processes --------------------------------------------------------------------

# cx_session_containers RUNTIME PROJECT_DIR [USER]: print the names of all containers (running or
# not) labelled cx.session whose cx.project label is PROJECT_DIR (so other sessions on the machine
# do not count), as seen by USER's RUNTIME.
cx_session_containers() {
  local rt=$1 dir=$2 user=${3:-}
  local -a cmd=("$rt" ps -a --filter label=cx.session --filter "label=cx.project=$dir"
    --format '{{.Names}}')
  if [ -n "$user" ]; then
    (cd / && run_as_user "$user" CONTAINERS_CONF="${CONTAINERS_CONF:-}" "${cmd[@]}")
  else
    "${cmd[@]}"
  fi
}

# cx_assert_no_containers_left RUNTIME PROJECT_DIR [USER]: fail if a cx session container of
# PROJECT_DIR is still there (cx must remove it on every exit path).
cx_assert_no_containers_left() {
  local left
  left=$(cx_session_containers "$@") || fail "$1 ps failed"
  [ -z "$left" ] || fail "containers left after the session: $(echo "$left" | tr '\n' ' ')"
}

# cx_as USER CMD...: run CMD (a runtime command, say) as USER from /, with CONTAINERS_CONF; empty
# USER: as the caller, here.
cx_as() {
  local user=$1
  shift
  if [ -n "$user" ]; then
    (cd / && run_as_user "$user" CONTAINERS_CONF="${CONTAINERS_CONF:-}" "$@")
  else
    "$@"
  fi
}

# cx_until_empty SECONDS CMD...: run CMD every 0.05 s until it prints nothing; print how long that
# took (seconds, one decimal); return 1 if it still printed something after SECONDS.
cx_until_empty() {
  local limit=$1 t0=$EPOCHREALTIME i
  shift
  for ((i = 0; i < limit * 20; i++)); do
    if [ -z "$("$@" 2>/dev/null)" ]; then
      awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", b - a }'
      return 0
    fi
    sleep 0.05
  done
  return 1
}

# cx_session_leftovers RUNTIME SESSION_ID [USER]: print every container (the agent's, a gate) and
# network labelled cx.session=SESSION_ID, one per line; nothing when the session left nothing.
cx_session_leftovers() {
  local rt=$1 sid=$2 user=${3:-}
  local -a ps=("$rt" ps -a --filter "label=cx.session=$sid" --format 'container {{.Names}}')
  local -a nets=("$rt" network ls --filter "label=cx.session=$sid" --format 'network {{.Name}}')
  if [ -n "$user" ]; then
    (cd / && run_as_user "$user" CONTAINERS_CONF="${CONTAINERS_CONF:-}" "${ps[@]}" &&
      run_as_user "$user" CONTAINERS_CONF="${CONTAINERS_CONF:-}" "${nets[@]}")
  else
    "${ps[@]}" && "${nets[@]}"
  fi
}

# cx_assert_session_gone RUNTIME SESSION_ID [USER]: fail if the session left a container or network.
cx_assert_session_gone() {
  local left
  left=$(cx_session_leftovers "$@") || fail "$1 ps / network ls failed"
  [ -z "$left" ] || fail "left after session $2: $(echo "$left" | tr '\n' ' ')"
}

# cx_cmdline_scan SECRET...: print "PID: CMDLINE-START" for every process whose /proc/PID/cmdline
# contains one of the SECRETs (empty ones ignored); prints nothing when none does.
cx_cmdline_scan() {
  local f pid s cmd
  for f in /proc/[0-9]*/cmdline; do
    cmd=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
    [ -n "$cmd" ] || continue
    for s in "$@"; do
      [ -n "$s" ] || continue
      case "$cmd" in
        *"$s"*)
          pid=${f#/proc/}
          pid=${pid%/cmdline}
          # The secret itself is not printed: only where it was found.
          echo "$pid: $(echo "${cmd//"$s"/<SECRET>}" | cut -c1-200)"
          ;;
      esac
    done
  done
}

# moto_role_credentials ROLE_ARN: print "ACCESS_KEY_ID SECRET SESSION_TOKEN" for every credential
# moto issued for ROLE_ARN (from /moto-api/data.json), one line each, oldest first.
moto_role_credentials() {
  moto_data_json | "$MOTO_PYTHON" -c '
import json, sys
role = sys.argv[1]
for c in json.load(sys.stdin).get("sts", {}).get("AssumedRole", []):
    if c.get("role_arn") == role:
        print(c["access_key_id"], c["secret_access_key"], c["session_token"])
' "$1"
}

# cx_wait_for_container RUNTIME PROJECT_DIR USER SECONDS: wait until a session container of
# PROJECT_DIR is listed; prints its name; returns 1 on timeout.
cx_wait_for_container() {
  local i names
  for ((i = 0; i < $4 * 10; i++)); do
    names=$(cx_session_containers "$1" "$2" "$3" 2>/dev/null)
    if [ -n "$names" ]; then
      echo "$names"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# --- the session checks shared by the podman and docker tests ------------------------------------

# cx_session_checks RUNTIME_CMD USER [KEY=VALUE...]: a real session end to end. With moto up and
# CX_ITEST_IMAGE in RUNTIME_CMD's storage (as seen by USER; empty USER = the current user), it makes
# a HOME for USER with ~/.aws/credentials (moto's cx-user) and ~/.claude-exec (RUNTIME=RUNTIME_CMD,
# plus the KEY=VALUE given), a project dir with a known file, and checks through `cx shell`: /src,
# uid/gid, ownership of a written file, forwarded and unforwarded variables, the role credentials
# moto issued, exit status passthrough, no container left, and no secret in any /proc/*/cmdline
# while a session runs.
cx_session_checks() {
  local rt=$1 user=$2
  shift 2
  local home proj token uid gid owner marker out
  home=$(new_home "$user")
  moto_write_aws_credentials "$home"
  cx_write_config "$home/.claude-exec" RUNTIME="$rt" FOO_FORWARDED=bar CX_PASS_ENV=CX_PASSED_VAR "$@"
  token=$RANDOM$RANDOM
  proj="$home/cxit$token"
  mkdir "$proj" || fail "mkdir $proj"
  marker="known content $token"
  echo "$marker" >"$proj/hello.txt"
  [ -n "$user" ] && chown -R "$user:" "$proj"
  uid=$(id -u ${user:+"$user"})
  gid=$(id -g ${user:+"$user"})
  cd "$proj" || fail "cd $proj"

  # 1. One session that reports what it sees. Secrets are compared by hash, never printed.
  # shellcheck disable=SC2016
  local script='
    echo "pwd=$(pwd)"
    echo "ls=$(ls -A /src | tr "\n" " ")"
    echo "hello=$(cat /src/hello.txt)"
    echo "uid=$(id -u)"
    echo "gid=$(id -g)"
    echo "home=$HOME"
    touch "$HOME/.cx-itest" && echo "home_writable=yes"
    echo "written" > /src/written-in-container && echo "wrote=yes"
    echo "FOO_FORWARDED=${FOO_FORWARDED-<unset>}"
    echo "CX_PASSED_VAR=${CX_PASSED_VAR-<unset>}"
    for v in CX_SECRET_HOST_VAR CONTAINERS_CONF AWS_ENDPOINT_URL_STS AWS_PROFILE AWS_IAM_ROLE \
             IMAGE_TAG RUNTIME CX_CREDENTIALS CX_NETWORK CX_PASS_ENV CX_EXTRA_CA_CERTS; do
      if env | grep -q "^$v="; then echo "leaked=$v"; fi
    done
    echo "AWS_REGION=${AWS_REGION-<unset>}"
    echo "AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID-<unset>}"
    echo "secret_sha=$(printf %s "${AWS_SECRET_ACCESS_KEY-}" | sha256sum | cut -d" " -f1)"
    echo "token_sha=$(printf %s "${AWS_SESSION_TOKEN-}" | sha256sum | cut -d" " -f1)"
  '
  cx_run_capture "$user" "$home" CX_SECRET_HOST_VAR=nope CX_PASSED_VAR=passed shell -- sh -c "$script"
  assert_rc 0 "cx shell (report session)"
  out=$RUN_OUT
  _kv() { sed -n "s/^$1=//p" <<<"$out" | head -n 1; }
  assert_eq /src "$(_kv pwd)" "working directory in the container"
  assert_contains " $(_kv ls)" " hello.txt " "ls /src"
  assert_eq "$marker" "$(_kv hello)" "/src/hello.txt content"
  pass "/src is the project directory and the working directory"
  assert_eq "$uid" "$(_kv uid)" "uid in the container"
  assert_eq "$gid" "$(_kv gid)" "gid in the container"
  pass "the container runs as the host user's uid:gid ($uid:$gid)"
  assert_eq /home/claude "$(_kv home)" "HOME in the container"
  assert_eq yes "$(_kv home_writable)" "HOME writable"
  assert_eq yes "$(_kv wrote)" "writing to /src"
  owner=$(stat -c %u:%g "$proj/written-in-container") || fail "no written-in-container on the host"
  assert_eq "$uid:$gid" "$owner" "owner of a file written in /src, on the host"
  pass "a file written in /src belongs to ${user:-$(id -un)} ($owner) on the host"
  assert_eq bar "$(_kv FOO_FORWARDED)" "forwarded config key FOO_FORWARDED"
  assert_eq passed "$(_kv CX_PASSED_VAR)" "CX_PASS_ENV variable CX_PASSED_VAR"
  local leaked
  leaked=$(sed -n 's/^leaked=//p' <<<"$out" | tr '\n' ' ')
  [ -z "$leaked" ] || fail "host-only variables reached the container: $leaked"
  pass "forwarded key and CX_PASS_ENV present; host and consumed variables absent"

  assert_eq "$MOTO_REGION" "$(_kv AWS_REGION)" "AWS_REGION in the container"
  local key_id creds line found=0 ck cs ct
  key_id=$(_kv AWS_ACCESS_KEY_ID)
  creds=$(moto_role_credentials "$MOTO_ROLE_ARN") || fail "cannot read moto's data.json"
  while read -r ck cs ct; do
    if [ "$ck" = "$key_id" ]; then
      found=1
      assert_eq "$(printf %s "$cs" | sha256sum | cut -d' ' -f1)" "$(_kv secret_sha)" "AWS_SECRET_ACCESS_KEY (sha256)"
      assert_eq "$(printf %s "$ct" | sha256sum | cut -d' ' -f1)" "$(_kv token_sha)" "AWS_SESSION_TOKEN (sha256)"
    fi
  done <<<"$creds"
  [ "$found" = 1 ] || fail "container's AWS_ACCESS_KEY_ID [$key_id] is not one moto issued for $MOTO_ROLE_ARN"
  [ "$key_id" != "$(moto_key AWS_ACCESS_KEY_ID)" ] || fail "the container got the source user's key"
  pass "the container has role credentials moto issued for $MOTO_ROLE_ARN ($key_id)"
  cx_assert_no_containers_left "$rt" "$proj" "$user"

  # 2. Exit status passthrough.
  cx_run_capture "$user" "$home" shell -- sh -c 'exit 7'
  assert_rc 7 "cx shell -- sh -c 'exit 7'"
  cx_run_capture "$user" "$home" shell -- false
  assert_rc 1 "cx shell -- false"
  pass "exit status of the command passes through (7, 1)"
  cx_assert_no_containers_left "$rt" "$proj" "$user"

  # 3. While a session runs: its container is named and labelled, and no process on the host has a
  # secret in its argv (the role's secret or token, or the source user's secret).
  local cxpid name i hits="" rc
  cx_env "$user" "$home" "$CX_BIN" shell -- sleep 8 >"$TEST_TMP/sleep.out" 2>"$TEST_TMP/sleep.err" </dev/null &
  cxpid=$!
  name=$(cx_wait_for_container "$rt" "$proj" "$user" 60) ||
    fail "no session container appeared within 60 s: $(cat "$TEST_TMP/sleep.err")"
  [[ "$name" =~ ^cx-cxit$token-[A-Za-z0-9]{6}$ ]] || fail "container name [$name] is not cx-cxit$token-XXXXXX"
  pass "running session container: $name (labels cx.session, cx.project)"
  local -a secrets
  for i in 1 2 3 4 5; do
    secrets=("$(moto_key AWS_SECRET_ACCESS_KEY)")
    while read -r ck cs ct; do
      [ -n "$cs" ] && secrets+=("$cs" "$ct")
    done <<<"$(moto_role_credentials "$MOTO_ROLE_ARN")"
    hits+=$(cx_cmdline_scan "${secrets[@]}")
    sleep 0.5
  done
  [ -z "$hits" ] || fail "a secret appears in /proc/*/cmdline during the session: $hits"
  pass "no secret in any /proc/*/cmdline during the session (${#secrets[@]} secrets, 5 scans)"
  wait "$cxpid"
  rc=$?
  [ "$rc" = 0 ] || fail "cx shell -- sleep 8 exited $rc: $(cat "$TEST_TMP/sleep.err")"
  cx_assert_no_containers_left "$rt" "$proj" "$user"
  pass "no container of this project is left after the sessions"
}
