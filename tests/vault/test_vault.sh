#!/bin/bash
# SPDX-License-Identifier: MIT
# test_vault.sh GET SRC TEST - end-to-end tests of the Vault client
# (injector/vault.c, http.c) through the test driver GET (vault_get) against
# the test server tests/vault/server.py. Each t_* function is one ctest
# case; each starts its own server (ports chosen by the kernel, loopback
# only) and the trap always stops it. Secrets are generated at run time,
# and no secret may appear in the client's stderr or the server's log.
set -u
get=$1 src=$2 name=$3
server=$src/tests/vault/server.py

box=$(mktemp -d "${HUSH_TEST_TMP:-${TMPDIR:-/tmp}}/hush-vault.XXXXXX") || exit 2
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	rm -rf "$box"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
cd "$box" || exit 2
mkdir srv

fail() {
	echo "test_vault: $name: $*" >&2
	[ -f "$box/srv/server.log" ] && tail -20 "$box/srv/server.log" >&2
	exit 1
}

# run CMD...: stdout in out, stderr in err (also kept in allerr), rc
run() {
	"$@" >"$box/out" 2>"$box/err"
	rc=$?
	cat "$box/err" >>"$box/allerr"
}
want_rc() { [ "$rc" = "$1" ] || { cat "$box/err" "$box/out" >&2; fail "exit $rc, want $1"; }; }
want_err() { grep -qF -- "$1" "$box/err" || { cat "$box/err" >&2; fail "stderr lacks: $1"; }; }
want_out() {
	printf '%s\n' "$1" >"$box/want"
	cmp -s "$box/want" "$box/out" || { diff "$box/want" "$box/out" >&2; fail "stdout differs"; }
}
one_line() { [ "$(wc -l <"$box/err")" = 1 ] || { cat "$box/err" >&2; fail "stderr is not one line"; }; }

# a fresh random string; every one is remembered for the leak check
gen() {
	local v
	v=$1$(head -c 64 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
	echo "$v" >>"$box/secrets"
	printf '%s' "$v"
}

# no secret in the client's stderr or the server's log
no_leak() {
	local s
	[ -f "$box/secrets" ] || return 0
	while read -r s; do
		if grep -qF -- "$s" "$box/allerr" "$box/srv/server.log" 2>/dev/null; then
			fail "a secret value appears in stderr or the server log"
		fi
	done <"$box/secrets"
}

mkcerts() {
	local c=$box/certs
	mkdir -p "$c/capath"
	(
		cd "$c" || exit 1
		for ca in ca ca2; do
			openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
				-nodes -keyout $ca.key -out $ca.pem -days 2 \
				-subj "/CN=hush test $ca" 2>/dev/null || exit 1
		done
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout server.key -out server.csr -subj "/CN=vault.test" \
			2>/dev/null || exit 1
		printf 'subjectAltName=DNS:vault.test,DNS:localhost\n' >server.ext
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
			-CAcreateserial -out server.pem -days 2 -extfile server.ext \
			2>/dev/null || exit 1
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout client.key -out client.csr -subj "/CN=hush client" \
			2>/dev/null || exit 1
		printf 'extendedKeyUsage=clientAuth\n' >client.ext
		openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key \
			-CAcreateserial -out client.pem -days 2 -extfile client.ext \
			2>/dev/null || exit 1
		cp ca.pem capath/ && openssl rehash capath 2>/dev/null || exit 1
	) || fail "openssl could not make the test certificates"
	tlsargs="--cert $c/server.pem --key $c/server.key --client-ca $c/ca.pem"
}

# The data every test starts with.
ROOT=$(gen hvs.root) APP=$(gen hvs.app) PW1=$(gen pw1-) PW4=$(gen pw4-)
KV1=$(gen kv1-) NSPW=$(gen nspw-) ROLE_ID=$(gen role-) SECRET_ID=$(gen sid-)
K8S_JWT=$(gen eyJk8s.) JWT=$(gen eyJjwt.) OTHER=$(gen other-)
seed() {
	cat >"$box/seed.json" <<EOF
{
 "require_request_header": true,
 "root_token": "$ROOT",
 "tokens": {"$APP": {"policies": ["app"], "ttl": 3600}},
 "policies": {"app": ["secret/*", "kv/*", "database/*", "apps/*", "shared/public"]},
 "namespaces": ["team1"],
 "mounts": {
  "secret/": {"type": "kv", "version": "2"},
  "apps/kv2/": {"type": "kv", "version": "2"},
  "kv/": {"type": "kv", "version": "1"},
  "shared/": {"type": "kv", "version": "1"},
  "database/": {"type": "database", "roles": {"readonly": {"ttl": 3600, "max_ttl": 86400}}},
  "auth/approle/": {"type": "approle", "roles": {"web": {"role_id": "$ROLE_ID",
     "secret_ids": {"$SECRET_ID": {}}, "policies": ["app"], "token_ttl": 3600},
    "fixed": {"role_id": "fixed-$ROLE_ID", "secret_ids": {"$SECRET_ID": {}},
     "policies": ["app"], "token_ttl": 600, "token_renewable": false}}},
  "auth/kubernetes/": {"type": "kubernetes", "roles": {"web": {"jwts": ["$K8S_JWT"], "policies": ["app"]}}},
  "auth/k8s-prod/": {"type": "kubernetes", "roles": {"web": {"jwts": ["$K8S_JWT"], "policies": ["app"]}}},
  "auth/jwt/": {"type": "jwt", "default_role": "ci", "roles": {"ci": {"jwts": ["$JWT"], "policies": ["app"]}}},
  "team1/secret/": {"type": "kv", "version": "2"}
 },
 "kv2": {
  "secret/": {"app": [{"password": "$PW1", "user": "app"}, {"password": "gone"},
                      {"password": "burnt"}, {"user": "app", "password": "$PW4", "port": 5432}]},
  "apps/kv2/": {"web/db": [{"password": "$OTHER"}]},
  "team1/secret/": {"app": [{"password": "$NSPW"}]}
 },
 "kv2_deleted": {"secret/app": [2]},
 "kv2_destroyed": {"secret/app": [3]},
 "kv1": {"kv/": {"legacy": {"api_key": "$KV1"}, "short": {"api_key": "$KV1", "ttl": "1h"}}}
}
EOF
}

# start_server [FLAVOR]: P_HTTP, P_HTTPS, P_MTLS, P_STANDBY, SOCK are set
start_server() {
	local _i
	[ -f "$box/seed.json" ] || seed
	# shellcheck disable=SC2086
	python3 "$server" serve --dir "$box/srv" --seed "$box/seed.json" \
		--flavor "${1:-vault}" ${tlsargs:-} >"$box/srv/stdout" 2>&1 &
	server_pid=$!
	for _i in $(seq 200); do
		[ -f "$box/srv/ports.json" ] && break
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.05
	done
	[ -f "$box/srv/ports.json" ] || { cat "$box/srv/stdout" >&2; fail "the server did not start"; }
	eval "$(python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))
for k in ("http", "https", "mtls", "standby"):
    print("P_%s=%s" % (k.upper(), p.get(k, "")))
print("SOCK=%s" % p["unix"])' "$box/srv/ports.json")"
	export VAULT_ADDR=http://127.0.0.1:$P_HTTP
}

# ctl STATE_JSON: change the server's behaviour
ctl() { python3 "$server" call "$box/srv" POST /_test/state "$1" >/dev/null || fail "ctl"; }
# count "METHOD /v1/path": how many requests the server saw
count() {
	python3 "$server" call "$box/srv" GET /_test/stats | tail -n 1 |
		python3 -c 'import json, sys; print(json.load(sys.stdin).get(sys.argv[1], 0))' "$1"
}

# every test runs with a clean Vault environment
for v in $(env | sed -n 's/^\(VAULT_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy

t_token_env() {
	start_server
	run env VAULT_TOKEN="$APP" "$get" secret/app#password; want_rc 0; want_out "$PW4"
	# the whole entry: compact JSON, keys as the server sent them
	run env VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 0; want_out "{\"password\":\"$PW4\",\"port\":5432,\"user\":\"app\"}"
	run env VAULT_TOKEN="$APP" "$get" secret/app#port; want_rc 0; want_out "5432"
	# a custom-named KV v2 mount two segments deep
	run env VAULT_TOKEN="$APP" "$get" --info apps/kv2/web/db#password; want_rc 0
	want_out "$OTHER
lease_id=- lease_duration=0 renewable=0 kv=2 version=1"
	# Authorization: Bearer is not what the client sends; X-Vault-Token is
	run env VAULT_TOKEN="$APP" "$get" secret/app#nope; want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/secret/data/app: no field \"nope\""
	run env VAULT_TOKEN="$APP" "$get" secret/missing#password; want_rc 3
	want_err "/v1/secret/data/missing: HTTP 404 (no secret at this path)"
	# a policy that does not cover the path
	run env VAULT_TOKEN="$APP" "$get" shared/private#y; want_rc 3; one_line
	want_err "HTTP 403: 1 error occurred: * permission denied"
	# an unknown token: the invalid-token 403, checked at open
	run env VAULT_TOKEN=hvs.not-a-token "$get" secret/app#password; want_rc 3
	want_err "/v1/auth/token/lookup-self: HTTP 403: 2 errors occurred: * permission denied * invalid token (token refused)"
	run "$get" secret/app#password; want_rc 2
	want_err "no Vault token: set VAULT_TOKEN or --vault-token-file"
	no_leak
}

t_token_file() {
	start_server
	printf '  %s\n\n' "$APP" >tok && chmod 600 tok
	run "$get" --vault-token-file tok secret/app#user; want_rc 0; want_out app
	# the file wins over VAULT_TOKEN
	run env VAULT_TOKEN=hvs.bogus "$get" --vault-token-file tok secret/app#user
	want_rc 0; want_out app
	run "$get" --vault-token-file "$box/none" secret/app#user; want_rc 2
	want_err "token file $box/none: cannot open"
	: >empty
	run "$get" --vault-token-file empty secret/app#user; want_rc 2
	want_err "token file empty: empty"
	no_leak
}

t_kv1() {
	start_server
	run env VAULT_TOKEN="$APP" "$get" --info kv/legacy#api_key; want_rc 0
	want_out "$KV1
lease_id=- lease_duration=2764800 renewable=0 kv=1 version=0"
	run env VAULT_TOKEN="$APP" "$get" --info kv/short#api_key; want_rc 0
	want_out "$KV1
lease_id=- lease_duration=3600 renewable=0 kv=1 version=0"
	run env VAULT_TOKEN="$APP" "$get" kv/legacy; want_rc 0
	want_out "{\"api_key\":\"$KV1\"}"
	run env VAULT_TOKEN="$APP" "$get" "kv/legacy?version=1#api_key"; want_rc 3
	want_err "vault:kv/legacy: ?version= is for KV version 2 mounts; kv/ is not one"
	run env VAULT_TOKEN="$APP" "$get" kv/none#api_key; want_rc 3
	want_err "/v1/kv/none: HTTP 404 (no secret at this path)"
	no_leak
}

t_kv2_versions() {
	start_server
	run env VAULT_TOKEN="$APP" "$get" --info "secret/app?version=1#password"
	want_rc 0; want_out "$PW1
lease_id=- lease_duration=0 renewable=0 kv=2 version=1"
	run env VAULT_TOKEN="$APP" "$get" --info "secret/app#password"
	want_rc 0; want_out "$PW4
lease_id=- lease_duration=0 renewable=0 kv=2 version=4"
	run env VAULT_TOKEN="$APP" "$get" "secret/app?version=2#password"
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/secret/data/app?version=2: version 2 was deleted (at "
	run env VAULT_TOKEN="$APP" "$get" "secret/app?version=3#password"
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/secret/data/app?version=3: version 3 was destroyed"
	run env VAULT_TOKEN="$APP" "$get" "secret/app?version=9#password"
	want_rc 3; want_err "/v1/secret/data/app?version=9: no version 9"
	run env VAULT_TOKEN="$APP" "$get" "secret/app?version=x#password"
	want_rc 3; want_err "vault:secret/app: version is not a number"
	run env VAULT_TOKEN="$APP" "$get" "secret/app?ver=1"
	want_rc 3; want_err "vault:secret/app: the only query is ?version=N"
	run env VAULT_TOKEN="$APP" "$get" "secret/../sys#x"
	want_rc 3; want_err "bad path"
	# the latest version deleted through the API: an error that says so
	python3 "$server" call "$box/srv" DELETE /v1/secret/data/app -H "X-Vault-Token: $ROOT" >/dev/null
	run env VAULT_TOKEN="$APP" "$get" "secret/app#password"
	want_rc 3; want_err "/v1/secret/data/app: version 4 was deleted"
	# an unknown mount: the preflight's 403
	run env VAULT_TOKEN="$APP" "$get" "nomount/x#y"
	want_rc 3
	want_err "/v1/sys/internal/ui/mounts/nomount/x: HTTP 403: preflight capability check returned 403, please ensure client's policies grant access to path \"nomount/x/\" (mount lookup)"
	no_leak
}

t_approle() {
	start_server
	printf '%s\n' "$SECRET_ID" >sid
	run "$get" --vault-auth approle --vault-role-id "$ROLE_ID" \
		--vault-secret-id-file sid secret/app#password
	want_rc 0; want_out "$PW4"
	printf '%s\n' "$ROLE_ID" >rid
	# a stale VAULT_TOKEN is not sent with the login
	run env VAULT_TOKEN=hvs.stale "$get" --vault-auth approle --vault-role-id-file rid \
		--vault-secret-id-file sid secret/app#password
	want_rc 0; want_out "$PW4"
	printf 'not-the-secret-id\n' >bad
	run "$get" --vault-auth approle --vault-role-id "$ROLE_ID" \
		--vault-secret-id-file bad secret/app#password
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/auth/approle/login: HTTP 400: invalid role or secret ID (login refused)"
	run "$get" --vault-auth approle secret/app#password; want_rc 2
	want_err "needs one of --vault-role-id and --vault-role-id-file"
	run "$get" --vault-auth approle --vault-role-id "$ROLE_ID" --vault-jwt-file x secret/app; want_rc 2
	want_err "--vault-jwt-file and --vault-role are for --vault-auth kubernetes or jwt"
	# the token is renewable: two thirds of its hour, then renew-self
	run "$get" --renew --vault-auth approle --vault-role-id "$ROLE_ID" \
		--vault-secret-id-file sid secret/app#user
	# (two thirds of 3600 s, less the seconds the run took)
	want_rc 0
	grep -qxE 'token renew_in=(23[0-9][0-9]|2400)' out || { cat out >&2; fail "renew_in"; }
	grep -qxE 'token renewed renew_in=(23[0-9][0-9]|2400)' out || { cat out >&2; fail "renewed"; }
	[ "$(count "PUT /v1/auth/token/renew-self")" = 1 ] || fail "renew-self count"
	# a token that cannot be renewed: a new login instead
	run "$get" --renew --vault-auth approle --vault-role-id "fixed-$ROLE_ID" \
		--vault-secret-id-file sid secret/app#user
	want_rc 0
	grep -qxE 'token renewed renew_in=(3[0-9][0-9]|400)' out || { cat out >&2; fail "no new login"; }
	[ "$(count "PUT /v1/auth/token/renew-self")" = 1 ] || fail "renew-self of a non-renewable token"
	[ "$(count "POST /v1/auth/approle/login")" = 6 ] || fail "not logged in again"
	no_leak
}

t_approle_wrapped() {
	start_server
	python3 "$server" call "$box/srv" POST /v1/auth/approle/role/web/secret-id \
		-H "X-Vault-Token: $ROOT" -H "X-Vault-Wrap-TTL: 60s" >wrap.out ||
		fail "no wrapped secret id"
	sed '1,/^$/d' wrap.out | python3 -c 'import json, sys
print(json.load(sys.stdin)["wrap_info"]["token"])' >wt || fail "no wrapping token"
	cat wt >>"$box/secrets"
	run "$get" --vault-auth approle --vault-role-id "$ROLE_ID" \
		--vault-secret-id-file wt --vault-secret-id-wrapped true secret/app#password
	want_rc 0; want_out "$PW4"
	# single use: a second unwrap is refused
	run "$get" --vault-auth approle --vault-role-id "$ROLE_ID" \
		--vault-secret-id-file wt --vault-secret-id-wrapped true secret/app#password
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/sys/wrapping/unwrap: HTTP 400: wrapping token is not valid or does not exist (the wrapped secret id cannot be unwrapped)"
	[ "$(count "PUT /v1/sys/wrapping/unwrap")" = 2 ] || fail "unwrap count"
	run "$get" --vault-auth approle --vault-role-id "$ROLE_ID" \
		--vault-secret-id-wrapped yes secret/app#password
	want_rc 2; want_err "--vault-secret-id-wrapped: not a boolean: 'yes'"
	no_leak
}

t_kubernetes() {
	start_server
	printf '%s\n' "$K8S_JWT" >sa-token
	run "$get" --vault-auth kubernetes --vault-role web --vault-jwt-file sa-token \
		secret/app#password
	want_rc 0; want_out "$PW4"
	run "$get" --vault-auth kubernetes --vault-auth-mount auth/k8s-prod \
		--vault-role web --vault-jwt-file sa-token secret/app#password
	want_rc 0; want_out "$PW4"
	[ "$(count "POST /v1/auth/k8s-prod/login")" = 1 ] || fail "custom mount not used"
	printf 'eyJ.forged\n' >forged
	run "$get" --vault-auth kubernetes --vault-role web --vault-jwt-file forged \
		secret/app#password
	want_rc 3; want_err "/v1/auth/kubernetes/login: HTTP 403: permission denied (login refused)"
	run "$get" --vault-auth kubernetes --vault-role nope --vault-jwt-file sa-token \
		secret/app#password
	want_rc 3; want_err "HTTP 400: invalid role name \"nope\" (login refused)"
	run "$get" --vault-auth kubernetes --vault-jwt-file sa-token secret/app; want_rc 2
	want_err "--vault-auth kubernetes needs --vault-role"
	# the default service-account token path, absent here
	if [ ! -e /var/run/secrets/kubernetes.io/serviceaccount/token ]; then
		run "$get" --vault-auth kubernetes --vault-role web secret/app; want_rc 2
		want_err "service-account token /var/run/secrets/kubernetes.io/serviceaccount/token: cannot open"
	fi
	no_leak
}

t_jwt() {
	start_server
	printf '%s\n' "$JWT" >jwt
	run "$get" --vault-auth jwt --vault-role ci --vault-jwt-file jwt secret/app#password
	want_rc 0; want_out "$PW4"
	# no role: the mount's default_role
	run "$get" --vault-auth jwt --vault-jwt-file jwt secret/app#password
	want_rc 0; want_out "$PW4"
	printf 'eyJ.forged\n' >forged
	run "$get" --vault-auth jwt --vault-jwt-file forged secret/app#password
	want_rc 3; want_err "/v1/auth/jwt/login: HTTP 400: error validating token: failed to verify id token signature (login refused)"
	run "$get" --vault-auth jwt secret/app; want_rc 2
	want_err "--vault-auth jwt needs --vault-jwt-file"
	no_leak
}

t_dynamic() {
	start_server
	run env VAULT_TOKEN="$APP" "$get" --info --renew database/creds/readonly
	want_rc 0
	# compact JSON of the whole data object, keys in the server's order
	python3 -c 'import json, re, sys
line = open(sys.argv[1]).readline().rstrip("\n")
d = json.loads(line)
assert list(d) == ["password", "username"], d.keys()
assert line == json.dumps(d, separators=(",", ":")), line
assert re.fullmatch(r"A1a-[A-Za-z0-9]{20}", d["password"])
assert re.fullmatch(r"v-token-readonly-[A-Za-z0-9]{20}-[0-9]+", d["username"])' out ||
		{ cat out >&2; fail "not the credentials as JSON"; }
	grep -qE '^lease_id=database/creds/readonly/[A-Za-z0-9]{24} lease_duration=3600 renewable=1 kv=0 version=0$' out ||
		{ cat out >&2; fail "no lease recorded"; }
	grep -qx 'renewed lease_duration=3600' out || { cat out >&2; fail "lease not renewed"; }
	[ "$(count "PUT /v1/sys/leases/renew")" = 1 ] || fail "renew count"
	run env VAULT_TOKEN="$APP" "$get" database/creds/nope; want_rc 3
	want_err "/v1/database/creds/nope: HTTP 400: unknown role: nope"
	no_leak
}

t_namespace() {
	start_server
	run env VAULT_TOKEN="$ROOT" VAULT_NAMESPACE=team1 "$get" secret/app#password
	want_rc 0; want_out "$NSPW"
	run env VAULT_TOKEN="$ROOT" VAULT_NAMESPACE=team1/ "$get" "secret/app?version=1"
	want_rc 0; want_out "{\"password\":\"$NSPW\"}"
	run env VAULT_TOKEN="$ROOT" "$get" --vault-namespace team1 secret/app#password
	want_rc 0; want_out "$NSPW"
	run env VAULT_TOKEN="$ROOT" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	run env VAULT_TOKEN="$ROOT" VAULT_NAMESPACE=team1 "$get" secret/app#nope
	want_rc 3
	want_err "vault http://127.0.0.1:$P_HTTP/v1/secret/data/app (namespace team1): no field \"nope\""
	no_leak
}

t_tls_ca() {
	mkcerts; start_server
	local c=$box/certs
	run env VAULT_ADDR="https://localhost:$P_HTTPS" VAULT_CACERT="$c/ca.pem" \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	run env VAULT_ADDR="https://localhost:$P_HTTPS" VAULT_CAPATH="$c/capath" \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	run env VAULT_ADDR="https://localhost:$P_HTTPS" VAULT_CACERT_BYTES="$(cat "$c/ca.pem")" \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	# the certificate names vault.test, not 127.0.0.1: refused, unless
	# VAULT_TLS_SERVER_NAME says which name to check
	run env VAULT_ADDR="https://127.0.0.1:$P_HTTPS" VAULT_CACERT="$c/ca.pem" \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 3; one_line; want_err "vault https://127.0.0.1:$P_HTTPS/v1/auth/token/lookup-self: "
	run env VAULT_ADDR="https://127.0.0.1:$P_HTTPS" VAULT_CACERT="$c/ca.pem" \
		VAULT_TLS_SERVER_NAME=vault.test VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	# skip-verify: works, with a warning
	run env VAULT_ADDR="https://127.0.0.1:$P_HTTPS" VAULT_SKIP_VERIFY=1 \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	want_err "vault_get: warning: VAULT_SKIP_VERIFY is set: the certificate of https://127.0.0.1:$P_HTTPS is not checked"
	run env VAULT_ADDR="https://localhost:$P_HTTPS" VAULT_SKIP_VERIFY=False \
		VAULT_CACERT="$c/ca.pem" VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; [ -s err ] && fail "a warning with VAULT_SKIP_VERIFY=False"
	run env VAULT_ADDR="https://localhost:$P_HTTPS" VAULT_SKIP_VERIFY=yes \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 2; one_line
	want_err "could not parse VAULT_SKIP_VERIFY: 'yes' is not a boolean"
	no_leak
}

t_tls_wrong_ca() {
	mkcerts; start_server
	run env VAULT_ADDR="https://localhost:$P_HTTPS" VAULT_CACERT="$box/certs/ca2.pem" \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 3; one_line
	want_err "vault https://localhost:$P_HTTPS/v1/auth/token/lookup-self: SSL certificate problem"
	# a certificate error is not retried; the server saw no request
	[ "$(count "GET /v1/auth/token/lookup-self")" = 0 ] || fail "request went through"
	# no CA given: the system store does not know the test CA either
	run env VAULT_ADDR="https://localhost:$P_HTTPS" VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 3; want_err "SSL certificate problem"
	no_leak
}

t_tls_client_cert() {
	mkcerts; start_server
	local c=$box/certs
	run env VAULT_ADDR="https://localhost:$P_MTLS" VAULT_CACERT="$c/ca.pem" \
		VAULT_CLIENT_CERT="$c/client.pem" VAULT_CLIENT_KEY="$c/client.key" \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	run env VAULT_ADDR="https://localhost:$P_MTLS" VAULT_CACERT="$c/ca.pem" \
		VAULT_MAX_RETRIES=0 VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 3; one_line; want_err "vault https://localhost:$P_MTLS/v1/auth/token/lookup-self: "
	run env VAULT_ADDR="https://localhost:$P_MTLS" VAULT_CACERT="$c/ca.pem" \
		VAULT_CLIENT_CERT="$c/client.pem" VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 2
	want_err "VAULT_CLIENT_CERT and VAULT_CLIENT_KEY: both client cert and client key must be provided"
	no_leak
}

t_retry_429() {
	start_server
	ctl '{"faults": [{"path": "secret/data/app", "status": 429, "count": 2, "retry_after": "1", "ratelimit_headers": true}]}'
	run env VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	[ "$(count "GET /v1/secret/data/app")" = 3 ] || fail "not 3 attempts"
	# more 429s than retries: the limit error, with the server's words
	ctl '{"faults": [{"path": "secret/data/app", "status": 429, "count": -1, "retry_after": "0"}]}'
	run env VAULT_TOKEN="$APP" VAULT_MAX_RETRIES=3 "$get" secret/app#password
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/secret/data/app: HTTP 429: request path \"secret/data/app\": rate limit quota exceeded (retries spent)"
	[ "$(count "GET /v1/secret/data/app")" = 7 ] || fail "not 3 + 4 attempts"
	# a Retry-After past the client timeout: no useless wait
	ctl '{"faults": [{"path": "secret/data/app", "status": 429, "count": -1, "retry_after": "600"}]}'
	run env VAULT_TOKEN="$APP" VAULT_CLIENT_TIMEOUT=5s "$get" secret/app#password
	want_rc 3; want_err "(the next retry would pass the client timeout)"
	no_leak
}

t_sealed_503() {
	start_server
	ctl '{"sealed": true}'
	run env VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/auth/token/lookup-self: HTTP 503: Vault is sealed (retries spent)"
	# VAULT_MAX_RETRIES defaults to 2: three attempts
	[ "$(count "GET /v1/auth/token/lookup-self")" = 3 ] || fail "not 3 attempts"
	run env VAULT_TOKEN="$APP" VAULT_MAX_RETRIES=0 "$get" secret/app#password
	want_rc 3; want_err "HTTP 503: Vault is sealed"
	[ "$(count "GET /v1/auth/token/lookup-self")" = 4 ] || fail "retried with 0 retries"
	# 503 then unsealed: the retry succeeds
	ctl '{"sealed": false, "faults": [{"path": "secret/data/app", "status": 503, "count": 1}]}'
	run env VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	no_leak
}

t_error_500() {
	start_server
	ctl '{"faults": [{"path": "secret/data/app", "status": 500, "count": -1}]}'
	run env VAULT_TOKEN="$APP" VAULT_MAX_RETRIES=1 "$get" secret/app#password
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/secret/data/app: HTTP 500: internal error (retries spent)"
	[ "$(count "GET /v1/secret/data/app")" = 2 ] || fail "not 2 attempts"
	# 501 is not retried; a body that is not JSON is quoted
	ctl '{"faults": [{"path": "secret/data/app", "status": 501, "count": -1, "body": "<html>not json</html>"}]}'
	run env VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 3; want_err "/v1/secret/data/app: HTTP 501: <html>not json</html>"
	[ "$(count "GET /v1/secret/data/app")" = 3 ] || fail "501 was retried"
	# 412 is retried
	ctl '{"faults": [{"path": "secret/data/app", "status": 412, "count": 1}]}'
	run env VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	# a dropped connection is retried
	ctl '{"faults": [{"path": "secret/data/app", "drop": true, "status": 0, "count": 1}]}'
	run env VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	no_leak
}

t_body_limit() {
	start_server
	ctl '{"faults": [{"path": "secret/data/big", "status": 200, "count": -1, "huge": 2000000}]}'
	run env VAULT_TOKEN="$APP" "$get" secret/big#blob
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:$P_HTTP/v1/secret/data/big: response body larger than 1048576 bytes (HUSH_MAX_VAULT_BODY)"
	# just under the limit is fine
	ctl '{"faults": [{"path": "kv/big", "status": 200, "count": -1, "huge": 1000000}]}'
	run env VAULT_TOKEN="$APP" "$get" kv/big#blob
	want_rc 0; [ "$(wc -c <out)" = 1000001 ] || fail "not the whole value"
	no_leak
}

t_unix_socket() {
	start_server
	run env VAULT_ADDR="unix://$SOCK" VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	grep -q '^unix GET /v1/secret/data/app 200$' srv/server.log || fail "not through the socket"
	run env VAULT_ADDR="unix://$box/none.sock" VAULT_TOKEN="$APP" VAULT_MAX_RETRIES=0 \
		"$get" secret/app#password
	want_rc 3; want_err "vault unix://$box/none.sock/v1/auth/token/lookup-self: "
	run env VAULT_ADDR="unix://relative.sock" VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 2; want_err "VAULT_ADDR: 'unix://relative.sock': a unix address needs an absolute path"
	no_leak
}

t_redirect() {
	start_server
	# a standby that cannot forward answers 307: the login body and then
	# the token are sent again to the active node
	run env VAULT_ADDR="http://127.0.0.1:$P_STANDBY" "$get" --vault-auth approle \
		--vault-role-id "$ROLE_ID" --vault-secret-id-file <(printf '%s' "$SECRET_ID") \
		secret/app#password
	want_rc 0; want_out "$PW4"
	grep -q '^standby POST /v1/auth/approle/login 307$' srv/server.log || fail "no 307"
	grep -q '^http POST /v1/auth/approle/login 200$' srv/server.log || fail "not followed"
	grep -q '^http GET /v1/secret/data/app 200$' srv/server.log || fail "read not followed"
	run env VAULT_ADDR="http://127.0.0.1:$P_STANDBY" VAULT_DISABLE_REDIRECTS=true \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 3; want_err "/v1/auth/token/lookup-self: HTTP 307 (token refused)"
	no_leak
}

t_addr_precedence() {
	start_server
	# VAULT_AGENT_ADDR wins over VAULT_ADDR; --vault-addr over both
	run env VAULT_ADDR=http://127.0.0.1:1 VAULT_AGENT_ADDR="http://127.0.0.1:$P_HTTP" \
		VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	run env VAULT_ADDR=http://127.0.0.1:1 VAULT_AGENT_ADDR=http://127.0.0.1:1 \
		VAULT_TOKEN="$APP" "$get" --vault-addr "http://127.0.0.1:$P_HTTP/" secret/app#password
	want_rc 0; want_out "$PW4"
	# an empty variable is unset
	run env VAULT_AGENT_ADDR= VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	run env VAULT_ADDR=ftp://x VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 2; want_err "VAULT_ADDR: 'ftp://x': the address must start with https://, http:// or unix://"
	run env VAULT_MAX_RETRIES=two VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 2; want_err "VAULT_MAX_RETRIES: not a number of retries: 'two'"
	run env VAULT_CLIENT_TIMEOUT=soon VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 2; want_err "VAULT_CLIENT_TIMEOUT: 'soon' is not a duration"
	run env VAULT_RATE_LIMIT=fast VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 2; want_err "VAULT_RATE_LIMIT: 'fast' is not RATE[:BURST]"
	run env VAULT_TOKEN="$APP" VAULT_RATE_LIMIT=50:2 "$get" secret/app#user kv/legacy#api_key
	want_rc 0; want_out "app
$KV1"
	run env VAULT_TOKEN="$APP" "$get" --vault-bogus x secret/app
	want_rc 2; want_err "unknown option '--vault-bogus'"
	run env VAULT_TOKEN="$APP" "$get" --vault-auth ldap secret/app
	want_rc 2; want_err "--vault-auth: unknown method 'ldap'"
	run env VAULT_SRV_LOOKUP=true VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 2; want_err "VAULT_SRV_LOOKUP: DNS SRV lookup is not supported"
	# nothing listens: connection refused, retried, then one line
	run env VAULT_ADDR=http://127.0.0.1:1 VAULT_MAX_RETRIES=1 VAULT_TOKEN="$APP" "$get" secret/app
	want_rc 3; one_line
	want_err "vault http://127.0.0.1:1/v1/auth/token/lookup-self: "
	want_err "(after 2 attempts)"
	no_leak
}

t_openbao() {
	start_server openbao
	run env VAULT_TOKEN=hvs.not-a-token "$get" secret/app#password; want_rc 3
	want_err "/v1/auth/token/lookup-self: HTTP 403: permission denied (token refused)"
	run env VAULT_TOKEN="$APP" "$get" secret/app#password
	want_rc 0; want_out "$PW4"
	no_leak
}

"t_$name"
