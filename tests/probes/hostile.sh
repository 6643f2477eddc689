#!/bin/sh
# The hostile probe: run by the agent inside a default-mode cx session
# (broker credentials, allowlist network), it tries the attack classes a
# review found cx to hold against, and prints one line per probe:
#   HELD name (what it saw)      the sandbox held
#   BROKEN name: what got through
# and finally `probes: N held, M broken`. tests/integration/probes_test.sh
# runs it in podman and docker, on both transports, and fails on any
# BROKEN line. On the remote transport (cx copied /run/cx/proxy-secret in)
# every request to the proxy carries the secret the agent holds, so the
# proxy's policy is what is probed, not the authentication; the
# authentication and the internal network get probes of their own.
# Needs: sh, socat, curl, awk, grep (all in cx's image).

held=0
broken=0
ok() { echo "HELD $1${2:+ ($2)}"; held=$((held + 1)); }
bad() { echo "BROKEN $1: $2"; broken=$((broken + 1)); }

proxy_port=3128
creds_port=9911
remote=0
auth=""
if [ -r /run/cx/proxy-secret ]; then
  remote=1
  auth="Proxy-Authorization: Basic $(printf 'cx:%s' "$(cat /run/cx/proxy-secret)" | base64 -w0)"
fi

# ask NAME LINE...: send the request LINEs (CRLF-terminated, then an empty
# line) to the egress proxy; NAME holds if the answer is a 4xx (refused).
ask() {
  name=$1
  shift
  status=$( (for l in "$@"; do printf '%s\r\n' "$l"; done; [ -z "$auth" ] || printf '%s\r\n' "$auth"
    printf '\r\n') |
    timeout 10 socat -t 5 - "TCP:127.0.0.1:$proxy_port" 2>/dev/null | head -n 1 | tr -d '\r')
  case $status in
    "HTTP/1."?" 4"*) ok "$name" "$status" ;;
    "") ok "$name" "connection closed without an answer" ;;
    *) bad "$name" "the proxy answered [$status]" ;;
  esac
}

# --- no network but loopback (remote: but the session's internal network) --------------------------
ifaces=$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' /proc/net/dev | grep -v '^lo$' | tr '\n' ' ')
if [ "$remote" = 0 ]; then
  [ -z "$ifaces" ] && ok "only loopback" || bad "only loopback" "interfaces: $ifaces"
  [ -z "$(awk 'NR > 1' /proc/net/route)" ] && ok "no IPv4 route" || bad "no IPv4 route" "$(cat /proc/net/route)"
  v6=$(awk '$6 != "lo"' /proc/net/if_inet6 2>/dev/null)
  [ -z "$v6" ] && ok "no IPv6 address but loopback" || bad "no IPv6 address but loopback" "$v6"
else
  n=$(echo "$ifaces" | wc -w)
  [ "$n" = 1 ] && ok "one interface besides loopback (the internal network)" "$ifaces" ||
    bad "one interface besides loopback" "interfaces: $ifaces"
  # No default route, or one to a gateway nobody answers for (docker's internal networks keep the
  # route; cx takes the address off the bridge): after trying it, its ARP entry is incomplete.
  gw=$(awk 'NR > 1 && $2 == "00000000" { print $3; exit }' /proc/net/route)
  if [ -z "$gw" ]; then
    ok "no default IPv4 route"
    dead_gateway=1
  else
    gw=$(printf '%d.%d.%d.%d' "0x$(echo "$gw" | cut -c7-8)" "0x$(echo "$gw" | cut -c5-6)" "0x$(echo "$gw" | cut -c3-4)" "0x$(echo "$gw" | cut -c1-2)")
    timeout 5 socat -u /dev/null "TCP:1.1.1.1:80,connect-timeout=4" 2>/dev/null
    flags=$(awk -v g="$gw" '$1 == g { print $3 }' /proc/net/arp)
    if [ "$flags" = 0x2 ] || [ "$flags" = 0x6 ]; then
      bad "the default route leads nowhere" "gateway $gw answers ARP (flags $flags)"
      dead_gateway=0
    else
      ok "the default route leads nowhere" "gateway $gw: nothing answers for it (ARP flags ${flags:-none})"
      dead_gateway=1
    fi
  fi
  [ -z "$(grep -v '^lo ' /proc/net/ipv6_route 2>/dev/null | awk '$1 == "00000000000000000000000000000000" && $2 == "00" && $10 != "lo"')" ] &&
    ok "no default IPv6 route" || bad "no default IPv6 route" "$(cat /proc/net/ipv6_route)"
  gate=$(awk '$2 == "cx-gate" { print $1; exit }' /etc/hosts)
  [ -n "$gate" ] && ok "the gate is in /etc/hosts" "$gate" || bad "the gate is in /etc/hosts" "not there"
  # The gate relays two ports and has nothing else open.
  for port in 22 53 80 443 2375 2376 8080 9090 10250; do
    if timeout 3 socat -u /dev/null "TCP:$gate:$port,connect-timeout=2" 2>/dev/null; then
      bad "gate port $port closed" "it accepted"
    else
      ok "gate port $port closed"
    fi
  done
  # Without the secret, the broker answers 407 to anything, before looking at the target.
  for req in "CONNECT bedrock-runtime.us-east-1.amazonaws.com:443|bedrock-runtime.us-east-1.amazonaws.com:443" \
    "GET http://evil.example/|evil.example"; do
    line="${req%%|*} HTTP/1.1"
    host=${req#*|}
    for cred in "" "$(printf 'cx:guess' | base64)" "$(printf 'root:%s' "$(cat /run/cx/proxy-secret)" | base64 -w0)"; do
      hdr=""
      [ -z "$cred" ] || hdr="Proxy-Authorization: Basic $cred"
      status=$( (printf '%s\r\nHost: %s\r\n' "$line" "$host"; [ -z "$hdr" ] || printf '%s\r\n' "$hdr"; printf '\r\n') |
        timeout 10 socat -t 5 - "TCP:$gate:$proxy_port" 2>/dev/null | head -n 1 | tr -d '\r')
      case $status in
        "HTTP/1."?" 407"*) ok "${cred:+a wrong }${cred:-no }secret, no proxy: ${line%% *}" "$status" ;;
        *) bad "${cred:+a wrong }${cred:-no }secret, no proxy: ${line%% *}" "the proxy answered [$status]" ;;
      esac
    done
  done
  # Only the gate answers on the internal network: no other address of its subnet does.
  sub=${gate%.*}
  others=""
  for last in 1 254; do
    [ "$sub.$last" = "$gate" ] && continue
    for port in 53 80 443 2375 3128; do
      if timeout 2 socat -u /dev/null "TCP:$sub.$last:$port,connect-timeout=1" 2>/dev/null; then others="$others $sub.$last:$port"; fi
    done
  done
  [ -z "$others" ] && ok "nothing else on the internal network answers (the gateway address included)" ||
    bad "nothing else on the internal network answers" "$others"
fi
if curl -s -o /dev/null -m 3 --noproxy '*' http://1.1.1.1/; then bad "direct TCP" "reached 1.1.1.1:80"; else ok "direct TCP"; fi
if curl -s -o /dev/null -m 3 --noproxy '*' http://[2606:4700:4700::1111]/; then bad "direct IPv6" "reached it"; else ok "direct IPv6"; fi
if timeout 5 getent hosts example.com >/dev/null 2>&1; then bad "DNS" "example.com resolved"; else ok "DNS" "no resolver reachable"; fi
# A service on every address of the host: no address of it is reachable (gateways of every
# network the container could see, the bridge addresses engines use, the host's loopback).
if [ -n "${PROBE_HOST_PORT:-}" ]; then
  reached=""
  for a in $(awk 'NR > 1 && $3 != "00000000" { print $3 }' /proc/net/route) 0100007F; do
    # /proc/net/route holds addresses as little-endian hex.
    ip=$(printf '%d.%d.%d.%d' "0x$(echo "$a" | cut -c7-8)" "0x$(echo "$a" | cut -c5-6)" "0x$(echo "$a" | cut -c3-4)" "0x$(echo "$a" | cut -c1-2)")
    reached="$reached $ip"
  done
  for sub in $(awk 'NR > 1 { print $2 }' /proc/net/route); do
    net=$(printf '%d.%d.%d' "0x$(echo "$sub" | cut -c7-8)" "0x$(echo "$sub" | cut -c5-6)" "0x$(echo "$sub" | cut -c3-4)")
    reached="$reached $net.1 $net.254"
  done
  got=""
  # shellcheck disable=SC2086
  for ip in $reached ${PROBE_HOST_ADDRS:-} 172.17.0.1 10.88.0.1 10.0.2.2 192.168.65.254 192.168.127.254 192.168.5.2 127.0.0.1; do
    if timeout 3 socat -u "TCP:$ip:$PROBE_HOST_PORT,connect-timeout=2" - 2>/dev/null | grep -q host-service-reached; then
      got="$got $ip"
    fi
  done
  [ -z "$got" ] && ok "a service on all of the host's addresses is unreachable" ||
    bad "a service on all of the host's addresses is unreachable" "reached at$got"
else
  bad "host service probe" "PROBE_HOST_PORT is not set"
fi
if printf 'x' | timeout 3 socat -u - UDP:1.1.1.1:53 2>/dev/null; then
  # A UDP send "succeeds" locally only if there is a route: on the local transport there is none;
  # on the remote one only a route to a gateway nobody answers for (checked above).
  if [ "$remote" = 1 ] && [ "${dead_gateway:-0}" = 1 ]; then
    ok "direct UDP" "queued for a gateway that does not exist"
  else
    bad "direct UDP" "a datagram left"
  fi
else
  ok "direct UDP"
fi

# --- the instance metadata service, every spelling, through the proxy -----------------------------
for target in 169.254.169.254 169.254.169.254. 0xa9fea9fe 2852039166 0251.0376.0251.0376 \
  0xa9.0xfe.0xa9.0xfe 169.254.43518 0251.254.169.254 '[::ffff:169.254.169.254]' '[::ffff:a9fe:a9fe]' \
  '[0:0:0:0:0:ffff:a9fe:a9fe]' '[fd00:ec2::254]' '[fe80::1%25lo]' 169.254.170.2 100.100.100.200 \
  instance-data metadata.google.internal metadata 127.0.0.1 127.1 2130706433 0x7f.1 0177.0.0.1 0 \
  0.0.0.0 localhost '[::1]' '[::]' "127.0.0.1:$creds_port"; do
  case $target in *:[0-9]*) hp=$target ;; *) hp="$target:80" ;; esac
  ask "metadata/loopback via GET $target" "GET http://$hp/latest/meta-data/ HTTP/1.1" "Host: $hp"
  case $target in *:[0-9]*) hp=$target ;; *) hp="$target:443" ;; esac
  ask "metadata/loopback via CONNECT $target" "CONNECT $hp HTTP/1.1" "Host: $hp"
done

# --- look-alike and encoded names, Host-header games, smuggling ----------------------------------
b=bedrock-runtime.us-east-1.amazonaws.com
for target in "$b.evil.example:443" "evil.example:443" "${b}evil.example:443" "x$b:443" \
  "$b@evil.example:443" "evil.example#$b:443" "evil.example%00$b:443" "%62edrock-runtime.us-east-1.amazonaws.com:443" \
  "xn--bedrock-runtime-us-east-1-amazonaws-com.example:443" "$b:22" "$b:80" "$b:0443" "$b:65979" \
  "$b.:22" "169.254.169.254%2f@$b:443" "[$b]:443" "$b:443:443"; do
  ask "CONNECT $target" "CONNECT $target HTTP/1.1" "Host: $target"
done
ask "Host header does not decide (GET)" "GET http://169.254.169.254/ HTTP/1.1" "Host: $b"
ask "Host header does not decide (origin-form)" "GET /latest/meta-data/ HTTP/1.1" "Host: 169.254.169.254"
ask "CR/LF in the target" "CONNECT evil.example:443 HTTP/1.1
Host: $b:443" "Host: x"
ask "two Host headers" "GET http://evil.example/ HTTP/1.1" "Host: $b" "Host: evil.example"
ask "smuggled second request" "GET http://evil.example/ HTTP/1.1" "Host: evil.example" \
  "Content-Length: 44" "Transfer-Encoding: chunked"
ask "HTTP/1.0 absolute URI to a denied host" "GET http://evil.example/ HTTP/1.0"
ask "unknown method" "FOO http://evil.example/ HTTP/1.1" "Host: evil.example"
ask "tunnel in a tunnel: CONNECT to the proxy itself" "CONNECT 127.0.0.1:$proxy_port HTTP/1.1" "Host: 127.0.0.1"

# A huge head is refused, and the proxy still answers afterwards.
huge=$(head -c 200000 /dev/zero | tr '\0' a)
ask "huge request head" "GET http://evil.example/ HTTP/1.1" "X-A: $huge"
ask "proxy still answers after the huge head" "CONNECT evil.example:443 HTTP/1.1" "Host: evil.example"
# A flood of connections: the proxy keeps answering.
i=0
while [ $i -lt 50 ]; do
  printf 'CONNECT evil.example:443 HTTP/1.1\r\n\r\n' | timeout 5 socat -t 2 - "TCP:127.0.0.1:$proxy_port" >/dev/null 2>&1 &
  i=$((i + 1))
done
wait
ask "proxy still answers after a flood of 50" "CONNECT evil.example:443 HTTP/1.1" "Host: evil.example"

# --- the credential endpoint ---------------------------------------------------------------------
url=${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}
token_file=${AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE:-}
if [ -n "$url" ] && [ -r "$token_file" ]; then
  token=$(cat "$token_file")
  code() { curl -s -o /dev/null -w '%{http_code}' -m 5 --noproxy '*' "$@" "$url"; }
  for hdr in "" "Authorization:" "Authorization: x" "Authorization: ${token}x" "Authorization: x${token}" \
    "Authorization: $(printf '%s' "$token" | cut -c2-)" "Authorization: Bearer $token"; do
    if [ -z "$hdr" ]; then c=$(code); else c=$(code -H "$hdr"); fi
    [ "$c" = 403 ] && ok "credentials with [${hdr%%:*}: wrong token]" "403" ||
      bad "credentials with a wrong token" "[$hdr] got $c"
  done
  c=$(code -H "Authorization: $token")
  [ "$c" = 200 ] && ok "credentials with the right token" "200" || bad "credentials with the right token" "got $c"
  [ -z "${AWS_CONTAINER_AUTHORIZATION_TOKEN:-}" ] && ok "token not in the environment" ||
    bad "token not in the environment" "AWS_CONTAINER_AUTHORIZATION_TOKEN is set"
  if touch "$(dirname "$token_file")/planted" 2>/dev/null; then bad "broker directory read-only" "wrote in it"; else ok "broker directory read-only"; fi
  if [ "$remote" = 1 ]; then
    env | grep -q "^HTTPS_PROXY=http://cx:" && ok "the proxy secret is in the proxy variables (set by the entrypoint)" ||
      bad "the proxy secret is in the proxy variables" "HTTPS_PROXY does not carry it"
  fi
else
  bad "credential endpoint" "no AWS_CONTAINER_CREDENTIALS_FULL_URI or token file (not broker mode?)"
fi
secrets=$(env | grep -E '^AWS_(SECRET_ACCESS_KEY|SESSION_TOKEN|ACCESS_KEY_ID)=' | cut -d= -f1 | tr '\n' ' ')
[ -z "$secrets" ] && ok "no AWS keys in the environment" || bad "no AWS keys in the environment" "$secrets"

# --- privileges ----------------------------------------------------------------------------------
for f in CapEff CapPrm CapBnd CapAmb; do
  v=$(awk -v f="$f:" '$1 == f { print $2 }' /proc/self/status)
  [ "$v" = 0000000000000000 ] && ok "$f empty" || bad "$f empty" "$f=$v"
done
[ "$(awk '$1 == "NoNewPrivs:" { print $2 }' /proc/self/status)" = 1 ] && ok "no_new_privs" || bad "no_new_privs" "not set"
[ "$(awk '$1 == "Seccomp:" { print $2 }' /proc/self/status)" = 2 ] && ok "seccomp filter" || bad "seccomp filter" "not in filter mode"
mkdir -p /tmp/m
if mount -t tmpfs none /tmp/m 2>/dev/null; then bad "mount" "mounted a tmpfs"; else ok "mount"; fi
if unshare -U true 2>/dev/null; then bad "user namespace" "unshare -U worked"; else ok "user namespace"; fi
cp /bin/sh /tmp/p 2>/dev/null
if chmod 4755 /tmp/p 2>/dev/null; then bad "setuid bit" "chmod 4755 worked"; else ok "setuid bit"; fi

echo "probes: $held held, $broken broken"
[ "$broken" = 0 ]
