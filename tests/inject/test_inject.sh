#!/bin/bash
# SPDX-License-Identifier: MIT
# test_inject.sh INJECT SRC NAME [HUSH] - end-to-end tests of hush-inject;
# each t_NAME function below is one ctest case. Cases that need a tmpfs run
# as root in a private mount namespace (unshare -m) and mount a real one;
# where that is not allowed they exit 77 (skipped) with the reason. Secrets
# and the Vault token are generated per run (fake); every secret used is
# recorded in LOGDIR/NAME.secrets and everything printed in LOGDIR/NAME.log,
# which the last case (logs_clean) searches for them.
# the programs run under hush-inject get single-quoted scripts on purpose
# shellcheck disable=SC2016
set -u
inject=$1 src=$2 name=$3 hush=${4:-}
server=${HUSH_VAULT_SERVER:-$src/tests/vault/server.py}
logdir=${HUSH_TEST_TMP:-/tmp}/inject-logs
mkdir -p "$logdir"
log=$logdir/$name.log
secrets=$logdir/$name.secrets

skip() { echo "skip: $*"; exit 77; }
fail() { echo "test_inject: $name: $*" | tee -a "$log" >&2; exit 1; }

# cases that need a tmpfs or another user: root, in a mount namespace
case $name in
usage|disk_refused|exec_fail|logs_setup|logs_clean) ;;
*)
	[ "$(id -u)" = 0 ] || skip "needs root (mounts a tmpfs, switches users)"
	if [ -z "${HUSH_INJECT_NS:-}" ]; then
		unshare -m true 2>/dev/null ||
			skip "unshare -m is not allowed here (needs CAP_SYS_ADMIN)"
		HUSH_INJECT_NS=1 exec unshare -m --propagation private \
			"$0" "$@"
	fi
	;;
esac

# the box is reachable by uid 65534, who runs the children of some cases
box=$(mktemp -d /tmp/hush-inject.XXXXXX) || exit 2
# one scanner database cache for the suite, as in tests/cli
export XDG_CACHE_HOME="${HUSH_TEST_CACHE:-$box/cache}"
chmod 755 "$box"
srv_pid='' extra_rm='' sup=''
cleanup() {
	[ -n "$sup" ] && kill -KILL "$sup" 2>/dev/null && wait "$sup" 2>/dev/null
	[ -n "$extra_rm" ] && rm -rf "$extra_rm"
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	[ -f "$box/srv/server.log" ] && cat "$box/srv/server.log" >>"$log"
	mountpoint -q "$box/secrets" 2>/dev/null && umount "$box/secrets"
	rm -rf "$box"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
cd "$box" || exit 2
: >"$log"
: >"$secrets"

# run CMD...: stdout in $box/out, stderr in $box/err, exit code in $rc;
# both are appended to the log
run() {
	"$@" >"$box/out" 2>"$box/err"; rc=$?
	{ echo "+ $* (exit $rc)"; cat "$box/out" "$box/err"; } >>"$log"
}
want_rc() { [ "$rc" = "$1" ] || { cat "$box/err" >&2; fail "exit $rc, want $1"; }; }
want_err() { grep -qF -- "$1" "$box/err" || { cat "$box/err" >&2; fail "stderr lacks: $1"; }; }
want_out() { grep -qF -- "$1" "$box/out" || { cat "$box/out" >&2; fail "stdout lacks: $1"; }; }
# one line of error (a usage error adds the pointer to --help)
one_line() {
	[ "$(grep -vcxF "Try 'hush-inject --help' for more information." "$box/err")" = 1 ] ||
		{ cat "$box/err" >&2; fail "stderr is not one line"; }
}

# rand N: N random letters and digits
rand() { head -c 400 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "$1"; }
# secret VALUE: a value this case uses; none may show up in a log
secret() { printf '%s\n' "$1" >>"$secrets"; }

# wait_for COND...: poll for up to 10 s
wait_for() {
	local _
	for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done
	return 1
}

mount_tmpfs() {  # mount_tmpfs [OPTIONS]: a real tmpfs at $box/secrets
	mkdir -p "$box/secrets"
	mount -t tmpfs -o "size=1m,${1:-mode=0711}" hush-test "$box/secrets" ||
		skip "cannot mount a tmpfs"
}

# vault_start: the Vault test server with fake secrets in KV v2 (secret/),
# KV v1 (kv1/) and a database role; exports VAULT_ADDR and VAULT_TOKEN (a
# root token); SHORT is a token for secret/ that lives 6 s unless renewed
vault_start() {
	[ -f "$server" ] || skip "no Vault test server at $server"
	command -v python3 >/dev/null || skip "no python3"
	TOKEN=hvs.$(rand 24) DB_PASS=pw-$(rand 20) API_KEY=ghp_$(rand 36)
	DB_USER=user-$(rand 8) SHORT=hvs.$(rand 24)
	for v in "$TOKEN" "$DB_PASS" "$API_KEY" "$DB_USER" "$SHORT"; do
		secret "$v"
	done
	mkdir -p "$box/srv"
	cat >"$box/seed.json" <<-EOF
	{"root_token": "$TOKEN",
	 "tokens": {"$SHORT": {"policies": ["app"], "ttl": 6}},
	 "policies": {"app": ["secret/*"]},
	 "mounts": {"secret": {"type": "kv", "version": "2"},
	            "kv1": {"type": "kv", "version": "1"},
	            "database": {"type": "database",
	                         "roles": {"ro": {"ttl": 6, "max_ttl": 600}}}},
	 "kv2": {"secret/": {"app": [{"password": "$DB_PASS", "user": "$DB_USER"}]}},
	 "kv1": {"kv1/": {"api": {"key": "$API_KEY"}}}}
	EOF
	python3 "$server" serve --dir "$box/srv" --seed "$box/seed.json" \
		>>"$log" 2>&1 &
	srv_pid=$!
	wait_for test -s "$box/srv/ports.json" || fail "the Vault test server did not start"
	port=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"])' \
		"$box/srv/ports.json")
	export VAULT_ADDR=http://127.0.0.1:$port VAULT_TOKEN=$TOKEN
}

# vault_call METHOD PATH [BODY]: a request to the test server (status, body)
vault_call() { python3 "$server" call "$box/srv" "$@"; }

# kv_reads: how many KV v2 reads of secret/app the server answered
kv_reads() {
	vault_call GET /_test/stats | python3 -c '
import json, sys
sys.stdin.readline()
body = sys.stdin.read().split("\n\n", 1)[-1]
print(sum(n for k, n in json.loads(body).items() if "secret/data/app" in k))'
}

# a child that prints what it sees: who it is, its files and their modes;
# it writes into $box/chk (CHECK_DIR), open to the user it runs as
write_child() {
	mkdir -p "$box/chk" && chmod 777 "$box/chk"
	cat >"$box/child.sh" <<-'EOF'
	#!/bin/sh
	echo "id $(id -u):$(id -g) groups $(id -G)"
	for v in DB_PASS_FILE API_FILE; do
		eval "f=\${$v:-}"
		[ -n "$f" ] || { echo "$v unset"; continue; }
		echo "$v $f $(stat -c '%a %u:%g %F' "$f")"
		[ "$(cat "$f")" = "$(cat "$CHECK_DIR/$v.want" 2>/dev/null)" ] &&
			echo "$v content ok"
	done
	tr '\0' '\n' </proc/$$/environ >"$CHECK_DIR/environ"
	[ -e /proc/$$/fd/7 ] && echo "fd 7 inherited"
	echo done
	EOF
	chmod 755 "$box/child.sh"
}

# ---------------------------------------------------------------------

t_usage() {
	run "$inject" --help; want_rc 0
	for w in --secret --config --dir --user --mode --env --once --supervise \
		--refresh --reload-signal --allow-disk --vault-addr VAULT_TOKEN \
		VAULT_ADDR SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD --decrypt \
		--sops-ignore-mac PATH 'Exit codes'; do
		want_out "$w"
	done
	run "$inject" --version; want_rc 0; want_out "hush-inject "
	run "$inject"; want_rc 2; want_err "no PROGRAM given"
	run "$inject" --bogus -- true; want_rc 2
	want_err "hush-inject: error: unknown option '--bogus'"
	want_err "Try 'hush-inject --help' for more information."
	run "$inject" --secret A=sops: -- true; want_rc 2
	want_err "hush-inject: error: --secret: ref 'sops:' names no path"
	run "$inject" --decrypt a.yaml --secret A=vault:x; want_rc 2
	want_err "--decrypt takes no --secret, --config or PROGRAM"
	run "$inject" --secret A=vault:x --secret A=vault:y -- true; want_rc 2
	want_err "secret A is defined twice"
	run "$inject" --secret A-B=vault:x -- true; want_rc 2
	run "$inject" --secret A=vault:x --mode 999 -- true; want_rc 2
	run "$inject" --secret A=vault:x --refresh 5m -- true; want_rc 2
	want_err "--refresh needs --supervise"
	run "$inject" --secret A=vault:x --vault-frobnicate 1 -- true; want_rc 2
	run "$inject" --config "$box/missing.json" -- true; want_rc 3
	echo '{"secrets": [{"name": "A", "ref": "vault:x", "colour": 1}]}' >bad.json
	run "$inject" --config bad.json -- true; want_rc 2; one_line
	want_err 'bad.json: secrets[0]: unknown member "colour"'
}

t_disk_refused() {
	# a folder on disk: in the build tree, unless that is in memory too
	disk=$(mktemp -d "${HUSH_TEST_TMP:-/tmp}/hush-inject-disk.XXXXXX") || exit 2
	extra_rm=$disk
	case $(stat -f -c %T "$disk") in
	tmpfs|ramfs) skip "no disk folder to test with" ;;
	esac
	vault_start
	run "$inject" --dir "$disk" --secret DB_PASS=vault:secret/app#password \
		-- sh -c "touch $box/started"
	want_rc 3; one_line
	want_err "is not a tmpfs or ramfs"
	want_err "docker run --tmpfs $disk:mode=0700"
	want_err "medium: Memory"
	[ ! -e "$box/started" ] || fail "the program ran"
	[ -z "$(ls -A "$disk")" ] || fail "files were written"
	[ "$(kv_reads)" = 0 ] || fail "secrets were fetched before the folder was checked"
	# --allow-disk: written, with a warning
	run "$inject" --allow-disk --dir "$disk" \
		--secret DB_PASS=vault:secret/app#password -- sh -c 'cat "$DB_PASS_FILE" >/dev/null'
	want_rc 0; want_err "--allow-disk writes secrets to disk"
	# a symlink as the folder is refused
	ln -s "$disk" link
	run "$inject" --allow-disk --dir "$box/link" \
		--secret DB_PASS=vault:secret/app#password -- true
	want_rc 3; want_err "not a folder (a symlink or a file)"
}

t_files_user() {
	mount_tmpfs mode=0711
	vault_start
	write_child
	printf '%s' "$DB_PASS" >chk/DB_PASS_FILE.want
	printf '%s' "$API_KEY" >chk/API_FILE.want
	chmod 644 chk/*.want
	# fd 7 is open in hush-inject: the program must not inherit it
	CHECK_DIR=$box/chk run "$inject" --dir "$box/secrets" --user 65534:65534 \
		--secret DB_PASS=vault:secret/app#password \
		--secret API=vault:kv1/api#key -- "$box/child.sh" 7<"$box/seed.json"
	want_rc 0
	if grep -q "fd 7 inherited" out; then
		fail "the program inherited fd 7"
	fi
	want_out "id 65534:65534 groups 65534"
	want_out "DB_PASS_FILE $box/secrets/DB_PASS 400 65534:65534 regular file"
	want_out "API_FILE $box/secrets/API 400 65534:65534 regular file"
	want_out "DB_PASS_FILE content ok"
	want_out "API_FILE content ok"
	# a folder the user cannot enter is refused before anything is fetched
	chmod 0700 "$box/secrets"
	run "$inject" --dir "$box/secrets" --user 65534 \
		--secret DB_PASS=vault:secret/app#password -- true
	want_rc 3; one_line
	want_err "mount it for that user (docker run --tmpfs $box/secrets:mode=0700,uid=65534,gid=65534)"
}

t_modes_config() {
	mount_tmpfs mode=0755
	vault_start
	cat >cfg.json <<-EOF
	{"dir": "$box/secrets", "mode": "0440", "once": true,
	 "secrets": [
	   {"name": "DB_PASS", "ref": "vault:secret/app#password"},
	   {"name": "API", "ref": "vault:kv1/api#key", "mode": "0400", "owner": "1234:5678"},
	   {"name": "DSN", "template": "postgres://{{ .DB_USER }}:{{ .DB_PASS }}@db/app\n"},
	   {"name": "DB_USER", "ref": "vault:secret/app#user"},
	   {"name": "GONE", "ref": "vault:secret/missing#x", "optional": true}
	 ]}
	EOF
	run "$inject" --config cfg.json; want_rc 0
	want_err "secret GONE (vault:secret/missing#x):"
	want_err "optional, going on without it"
	[ "$(stat -c '%a %u:%g' secrets/DB_PASS)" = "440 0:0" ] || fail "DB_PASS: $(stat -c '%a %u:%g' secrets/DB_PASS)"
	[ "$(stat -c '%a %u:%g' secrets/API)" = "400 1234:5678" ] || fail "API: $(stat -c '%a %u:%g' secrets/API)"
	[ "$(cat secrets/DSN)" = "postgres://$DB_USER:$DB_PASS@db/app" ] || fail "DSN differs"
	[ ! -e secrets/GONE ] || fail "GONE was written"
	# --mode on the command line wins over the file
	run "$inject" --config cfg.json --mode 0400; want_rc 0
	[ "$(stat -c '%a' secrets/DB_PASS)" = 400 ] || fail "--mode did not win"
	# the JSON template cannot name an unknown secret
	echo '{"secrets": [{"name": "T", "template": "{{ .NOPE }}"}]}' >t.json
	run "$inject" --config t.json --once --dir "$box/secrets"; want_rc 2; one_line
	want_err "secret T: template names NOPE, which is not a secret"
}

t_symlink() {
	mount_tmpfs mode=0711
	vault_start
	echo "do not touch" >victim
	ln -s "$box/victim" secrets/DB_PASS
	run "$inject" --once --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password; want_rc 0
	[ "$(cat victim)" = "do not touch" ] || fail "the symlink was followed"
	if [ -L secrets/DB_PASS ] || [ ! -f secrets/DB_PASS ]; then
		fail "the symlink is still there"
	fi
	[ "$(cat secrets/DB_PASS)" = "$DB_PASS" ] || fail "wrong content"
	[ "$(stat -c %a secrets/DB_PASS)" = 400 ] || fail "mode"
	# no temporary file is left behind
	[ "$(ls -A secrets)" = DB_PASS ] || fail "extra files: $(ls -A secrets)"
}

t_environ() {
	SOPS_KEY=AGE-SECRET-KEY-1$(head -c 300 /dev/urandom | base64 | tr -dc 'A-Z0-9' | head -c 58)
	mount_tmpfs mode=0711
	vault_start
	write_child
	secret "$SOPS_KEY"
	# the child's environment: no bootstrap credential, no secret value
	# (--env is the one opt-in; it is checked separately below)
	CHECK_DIR=$box/chk SOPS_AGE_KEY=$SOPS_KEY MY_BOOT=boot-$API_KEY \
		run "$inject" --dir "$box/secrets" --user 65534 \
		--bootstrap-env MY_BOOT --secret DB_PASS=vault:secret/app#password \
		--secret API=vault:kv1/api#key -- "$box/child.sh"
	want_rc 0; want_out "done"
	cp chk/environ environ
	grep -q "^DB_PASS_FILE=$box/secrets/DB_PASS\$" environ || fail "no DB_PASS_FILE"
	grep -q "^API_FILE=$box/secrets/API\$" environ || fail "no API_FILE"
	for v in VAULT_TOKEN= VAULT_ADDR= SOPS_AGE_KEY= MY_BOOT= \
		"$TOKEN" "$DB_PASS" "$API_KEY" "$SOPS_KEY"; do
		grep -qF -- "$v" environ && fail "the child's environment holds $v"
	done
	if [ -n "$hush" ] && [ -x "$hush" ]; then
		# the scanner finds the token in a file that has it ...
		echo "VAULT_TOKEN=$TOKEN" >control.txt
		run "$hush" dir control.txt; want_rc 1
		# ... and nothing in the child's environment
		run "$hush" dir environ; want_rc 0
	fi
	# --env: the value is there, and only when asked
	CHECK_DIR=$box/chk run "$inject" --dir "$box/secrets" \
		--secret API=vault:kv1/api#key --env API_VALUE=API -- "$box/child.sh"
	want_rc 0; want_err "--env API_VALUE: the value of secret API goes into the environment"
	grep -qxF "API_VALUE=$API_KEY" chk/environ || fail "--env value missing"
	# the supervisor is not dumpable: the child (another user) cannot read
	# its environment, which still holds VAULT_TOKEN
	cat >peek.sh <<-'EOF'
	#!/bin/sh
	if cat /proc/$PPID/environ >/dev/null 2>&1; then echo readable; else echo unreadable; fi
	[ -e /proc/$$/fd/7 ] && echo "fd 7 inherited"
	exit 0
	EOF
	chmod 755 peek.sh
	run "$inject" --supervise --dir "$box/secrets" --user 65534 \
		--secret API=vault:kv1/api#key -- "$box/peek.sh" 7<"$box/seed.json"
	want_rc 0; want_out unreadable
	if grep -q "fd 7 inherited" out; then
		fail "the supervised program inherited fd 7"
	fi
}
t_exec_fail() {
	vault_start
	mkdir disk
	run "$inject" --allow-disk --dir "$box/disk" \
		--secret DB_PASS=vault:secret/app#password -- "$box/nonexistent"
	want_rc 127; want_err "$box/nonexistent: program not found"
	run "$inject" --allow-disk --dir "$box/disk" \
		--secret DB_PASS=vault:secret/app#password -- no-such-program-$$
	want_rc 127
	echo 'echo hi' >notexec
	run "$inject" --allow-disk --dir "$box/disk" \
		--secret DB_PASS=vault:secret/app#password -- "$box/notexec"
	want_rc 126; want_err "program not executable"
	run "$inject" --allow-disk --dir "$box/disk" \
		--secret DB_PASS=vault:secret/app#password -- "$box/disk"
	want_rc 126
	[ "$(kv_reads)" = 0 ] || fail "secrets were fetched for a program that cannot run"
	[ -z "$(ls -A disk)" ] || fail "files were written"
	# the program's own status is ours (exec)
	run "$inject" --allow-disk --dir "$box/disk" \
		--secret DB_PASS=vault:secret/app#password -- sh -c 'exit 42'
	want_rc 42
	# a program that exec refuses (no interpreter): 126, files removed
	printf '#!/nonexistent/interp\n' >badinterp; chmod 755 badinterp
	run "$inject" --allow-disk --dir "$box/disk" \
		--secret DB_PASS=vault:secret/app#password -- "$box/badinterp"
	want_rc 127; want_err "cannot run"
	[ -z "$(ls -A disk)" ] || fail "files left after a failed exec"
}

t_once() {
	mount_tmpfs mode=0711
	vault_start
	run "$inject" --once --dir "$box/secrets" --user 65534:65533 --mode 0440 \
		--secret DB_PASS=vault:secret/app#password --secret API=vault:kv1/api#key
	want_rc 0
	[ ! -s "$box/out" ] || fail "stdout is not empty"
	[ "$(stat -c '%a %u:%g' secrets/DB_PASS)" = "440 65534:65533" ] || fail "mode/owner"
	[ "$(cat secrets/API)" = "$API_KEY" ] || fail "content"
	# written again (atomically replaced), still one file each
	run "$inject" --once --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password; want_rc 0
	# ls -A: temporary files start with a dot
	# shellcheck disable=SC2012
	[ "$(ls -A secrets | tr '\n' ' ')" = "API DB_PASS " ] || fail "files: $(ls -A secrets)"
	run "$inject" --once --dir "$box/secrets" -- true; want_rc 2
}

t_fail_closed() {
	mount_tmpfs mode=0711
	vault_start
	run "$inject" --dir "$box/secrets" --secret API=vault:kv1/api#key \
		--secret DB_PASS=vault:secret/app#nofield -- sh -c "touch $box/started"
	want_rc 3; one_line
	want_err "hush-inject: error: secret DB_PASS (vault:secret/app#nofield):"
	[ ! -e started ] || fail "the program ran"
	[ -z "$(ls -A secrets)" ] || fail "files left: $(ls -A secrets)"
	run "$inject" --dir "$box/secrets" \
		--secret X=vault:secret/nothing-here#x -- sh -c "touch $box/started"
	want_rc 3; one_line; want_err "secret X (vault:secret/nothing-here#x):"
	[ ! -e started ] || fail "the program ran"
	# a server error: no child, exit 3
	vault_call POST /_test/state \
		'{"faults": [{"path": "secret/data/app", "status": 500, "count": -1}]}' >/dev/null
	run "$inject" --dir "$box/secrets" --vault-max-retries 1 \
		--secret DB_PASS=vault:secret/app#password -- sh -c "touch $box/started"
	want_rc 3; one_line; want_err "secret DB_PASS (vault:secret/app#password):"
	[ ! -e started ] || fail "the program ran"
	vault_call POST /_test/state '{"faults": []}' >/dev/null
	# a bad token: exit 3, the token is not in the message
	bad=hvs.$(rand 24); secret "$bad"
	VAULT_TOKEN=$bad run "$inject" --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password -- sh -c "touch $box/started"
	want_rc 3; one_line
	[ ! -e started ] || fail "the program ran"
	# optional: a warning, and the program runs without its file
	run "$inject" --dir "$box/secrets" --secret API=vault:kv1/api#key \
		--secret OPT=vault:secret/app#nofield --config /dev/null -- true
	want_rc 2  # /dev/null is not a JSON object
	echo "{\"secrets\": [{\"name\": \"OPT\", \"ref\": \"vault:secret/app#nofield\", \"optional\": true}]}" >opt.json
	run "$inject" --dir "$box/secrets" --config opt.json \
		--secret API=vault:kv1/api#key -- sh -c 'echo "OPT=${OPT_FILE:-unset} API=$(sha256sum <$API_FILE)"'
	want_rc 0; want_out "OPT=unset API=$(printf %s "$API_KEY" | sha256sum)"
	want_err "optional, going on without it"
}

# sops: refs: a whole document in its own format and one value, decrypted
# with the age keys of SOPS_AGE_KEY_FILE, which the program does not get;
# --decrypt prints the same document; a wrong key starts nothing
t_sops() {
	mount_tmpfs mode=0711
	sops=$src/corpus/injector/sops
	mkdir -p "$box/chk" && chmod 777 "$box/chk"
	cp "$sops/example.yaml.decrypted" chk/DOC.want
	printf 'Smith' >chk/NAME.want
	chmod 644 chk/*.want
	SOPS_AGE_KEY_FILE=$sops/age/keys.txt run "$inject" --dir "$box/secrets" \
		--user 65534 --secret DOC="sops:$sops/example.yaml" \
		--secret NAME="sops:$sops/example.json#lastName" -- sh -c '
		for v in DOC NAME; do
			eval "f=\$${v}_FILE"
			cmp -s "$f" "'"$box"'/chk/$v.want" && echo "$v ok $(stat -c "%a %u" "$f")"
		done
		tr "\0" "\n" </proc/$$/environ | grep -c "^SOPS_AGE" || true'
	want_rc 0
	want_out "DOC ok 400 65534"
	want_out "NAME ok 400 65534"
	grep -qx 0 out || fail "the program got a SOPS_AGE_* variable"
	SOPS_AGE_KEY_FILE=$sops/age/keys.txt "$inject" --decrypt "$sops/example.yaml" \
		>chk/decrypted 2>"$box/err"
	cmp -s chk/decrypted chk/DOC.want || fail "--decrypt output differs"
	rm -f chk/decrypted
	# the wrong key: exit 3, one line naming the file, nothing started
	rm -f secrets/DOC secrets/NAME
	age-keygen -o wrong.txt 2>/dev/null || skip "age-keygen is missing"
	SOPS_AGE_KEY_FILE=$box/wrong.txt run "$inject" --dir "$box/secrets" \
		--secret DOC="sops:$sops/example.yaml" -- sh -c "touch $box/started"
	want_rc 3; one_line; want_err "example.yaml"
	[ ! -e started ] || fail "the program ran"
	[ -z "$(ls -A secrets)" ] || fail "files left: $(ls -A secrets)"
	SOPS_AGE_KEY_FILE=$box/wrong.txt run "$inject" --decrypt "$sops/example.yaml"
	want_rc 3; one_line
	[ ! -s out ] || fail "--decrypt printed something with the wrong key"
}

# the supervised child: records signals and its file's content
write_sup_child() {
	mkdir -p "$box/chk" && chmod 777 "$box/chk"
	cat >"$box/sup.sh" <<-'EOF'
	#!/bin/sh
	log=$CHECK_DIR/signals
	trap 'echo "HUP $(cat $DB_PASS_FILE)" >>$log' HUP
	trap 'echo USR1 >>$log' USR1
	trap 'echo TERM >>$log; exit 0' TERM
	echo "start $$ $(cat $DB_PASS_FILE)" >>$log
	while :; do sleep 0.1; done
	EOF
	chmod 755 "$box/sup.sh"
}
has() { grep -qxF -- "$2" "$1" 2>/dev/null; }
has_prefix() { grep -q -- "^$2" "$1" 2>/dev/null; }

t_sup_signals() {
	mount_tmpfs mode=0711
	vault_start
	write_sup_child
	CHECK_DIR=$box/chk "$inject" --supervise --dir "$box/secrets" --user 65534 \
		--secret DB_PASS=vault:secret/app#password -- "$box/sup.sh" \
		>>"$log" 2>&1 &
	sup=$!
	wait_for has_prefix chk/signals "start " || fail "the child did not start"
	[ -f secrets/DB_PASS ] || fail "no file while running"
	# the supervisor's own environment no longer holds the token's value
	tr '\0' '\n' </proc/$sup/environ >sup.environ
	grep -q '^VAULT_TOKEN=' sup.environ || fail "VAULT_TOKEN not in the supervisor's environment"
	grep -qF -- "$TOKEN" sup.environ && fail "the token is still in /proc/$sup/environ"
	kill -HUP $sup
	wait_for has chk/signals "HUP $DB_PASS" || fail "SIGHUP not forwarded"
	kill -USR1 $sup
	wait_for has chk/signals USR1 || fail "SIGUSR1 not forwarded"
	kill -TERM $sup
	wait $sup; rc=$?
	want_rc 0
	has chk/signals TERM || fail "SIGTERM not forwarded"
	[ -z "$(ls -A secrets)" ] || fail "files left after exit: $(ls -A secrets)"
}

t_sup_exit_signal() {
	mount_tmpfs mode=0711
	vault_start
	# a child that does not handle TERM dies of it: 128 + 15
	cat >plain.sh <<-EOF
	#!/bin/sh
	touch $box/up
	exec sleep 30
	EOF
	chmod 755 plain.sh
	"$inject" --supervise --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password -- "$box/plain.sh" \
		>>"$log" 2>&1 &
	sup=$!
	wait_for test -e up || fail "the child did not start"
	kill -TERM $sup
	wait $sup; rc=$?
	want_rc 143
	[ -z "$(ls -A secrets)" ] || fail "files left after exit"
	# the child's exit status is passed through
	run "$inject" --supervise --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password -- sh -c 'exit 9'
	want_rc 9
	[ -z "$(ls -A secrets)" ] || fail "files left after exit"
	run "$inject" --supervise --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password -- "$box/nope"
	want_rc 127
}

# zombies in /proc whose parent is $1
# (cat skips the processes that end while it runs)
zombies_of() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk -v p="$1" '{ sub(/^.*\) /, ""); if ($1 == "Z" && $2 == p) n++ } END { print n + 0 }'
}
children_of() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk -v p="$1" '{ sub(/^.*\) /, ""); if ($2 == p) n++ } END { print n + 0 }'
}

t_sup_zombies() {
	mount_tmpfs mode=0711
	vault_start
	# orphans: each subshell exits at once, leaving a grandchild that
	# hush-inject (the subreaper) inherits and must reap when it exits
	cat >orphans.sh <<-EOF
	#!/bin/sh
	trap 'exit 0' TERM
	for i in 1 2 3 4 5; do (sleep 1 &); done
	touch $box/up
	while :; do sleep 0.1; done
	EOF
	chmod 755 orphans.sh
	"$inject" --supervise --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password -- "$box/orphans.sh" \
		>>"$log" 2>&1 &
	sup=$!
	wait_for test -e up || fail "the child did not start"
	# the five sleeps are ours now (plus the child itself)
	n=$(children_of $sup)
	[ "$n" -ge 6 ] || fail "orphans not re-parented to hush-inject ($n children)"
	sleep 2
	[ "$(zombies_of $sup)" = 0 ] || fail "zombies left: $(zombies_of $sup)"
	[ "$(children_of $sup)" = 1 ] || fail "children left: $(children_of $sup)"
	kill -TERM $sup
	wait $sup; rc=$?
	want_rc 0
}

t_sup_refresh() {
	mount_tmpfs mode=0711
	vault_start
	write_sup_child
	NEW=pw-$(rand 20); secret "$NEW"
	CHECK_DIR=$box/chk "$inject" -v --supervise --refresh 1s --reload-signal USR1 \
		--dir "$box/secrets" --secret DB_PASS=vault:secret/app#password \
		--secret API=vault:kv1/api#key --secret DB=vault:database/creds/ro \
		-- "$box/sup.sh" >>"$log" 2>&1 &
	sup=$!
	wait_for has_prefix chk/signals "start " ||
		fail "the child did not start"
	has_prefix chk/signals "start [0-9]* $DB_PASS\$" || fail "first content"
	ino=$(stat -c %i secrets/DB_PASS)
	api_ino=$(stat -c %i secrets/API)
	sleep 2.2
	# nothing changed: no rewrite, no signal
	[ "$(stat -c %i secrets/DB_PASS)" = "$ino" ] || fail "rewritten without a change"
	has chk/signals USR1 && fail "signalled without a change"
	vault_call POST /_test/kv2 \
		"{\"mount\": \"secret/\", \"path\": \"app\", \"data\": {\"password\": \"$NEW\", \"user\": \"$DB_USER\"}}" \
		>/dev/null
	wait_for has chk/signals USR1 || fail "no --reload-signal after a change"
	[ "$(cat secrets/DB_PASS)" = "$NEW" ] || fail "not rewritten"
	[ "$(stat -c '%a' secrets/DB_PASS)" = 400 ] || fail "mode after rewrite"
	[ "$(stat -c %i secrets/API)" = "$api_ino" ] || fail "an unchanged file was rewritten"
	# the database lease (6 s) is renewed, not re-read: same credentials
	db=$(cat secrets/DB)
	sleep 5
	[ "$(cat secrets/DB)" = "$db" ] || fail "the lease was not renewed"
	kill -TERM $sup
	wait $sup; rc=$?
	want_rc 0
	[ -z "$(ls -A secrets)" ] || fail "files left after exit"
}

t_sup_token() {
	mount_tmpfs mode=0711
	vault_start
	write_sup_child
	NEW=pw-$(rand 20); secret "$NEW"
	# the token lives 6 s: reading at 9 s works only if it was renewed
	CHECK_DIR=$box/chk VAULT_TOKEN=$SHORT "$inject" -vv --supervise \
		--refresh 1s --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password -- "$box/sup.sh" \
		>>"$log" 2>&1 &
	sup=$!
	wait_for has_prefix chk/signals "start " || fail "the child did not start"
	sleep 8
	vault_call POST /_test/kv2 \
		"{\"mount\": \"secret/\", \"path\": \"app\", \"data\": {\"password\": \"$NEW\"}}" \
		>/dev/null
	wait_for has chk/signals "HUP $NEW" || fail "not refreshed: was the token renewed?"
	grep -q "token renewed" "$log" || fail "no renewal logged"
	kill -TERM $sup
	wait $sup; rc=$?
	want_rc 0
}

t_sup_pid1() {
	mount_tmpfs mode=0711
	vault_start
	unshare -p -f --mount-proc true 2>/dev/null || skip "unshare -p not allowed"
	# hush-inject as PID 1 of a new pid namespace: it reaps the orphans
	cat >pid1.sh <<-EOF
	#!/bin/sh
	echo "ppid \$PPID" >$box/pid1.out
	for i in 1 2 3; do (sleep 0.3 &); done
	sleep 1
	cat /proc/[0-9]*/stat 2>/dev/null | awk '{ sub(/^.*\) /, ""); if (\$1 == "Z") n++ } END { print "zombies " n + 0 }' >>$box/pid1.out
	EOF
	chmod 755 pid1.sh
	run unshare -p -f --mount-proc "$inject" --supervise --dir "$box/secrets" \
		--secret DB_PASS=vault:secret/app#password -- "$box/pid1.sh"
	want_rc 0
	grep -qx "ppid 1" pid1.out || fail "hush-inject is not PID 1: $(cat pid1.out)"
	grep -qx "zombies 0" pid1.out || fail "$(cat pid1.out)"
}

# ---------------------------------------------------------------------
# The first and last cases: clear the logs, then search them all for
# every secret value any case used.
t_logs_setup() {
	rm -f "$logdir"/*.log "$logdir"/*.secrets
}

t_logs_clean() {
	n=0
	files=
	for f in "$logdir"/*.log; do
		[ -f "$f" ] && [ "$f" != "$logdir/logs_clean.log" ] && files="$files $f"
	done
	[ -n "$files" ] || skip "no logs to search (the other cases did not run)"
	[ -n "${HUSH_TEST_LASTLOG:-}" ] && [ -f "$HUSH_TEST_LASTLOG" ] &&
		files="$files $HUSH_TEST_LASTLOG"
	sort -u "$logdir"/*.secrets 2>/dev/null >all.secrets
	while IFS= read -r s; do
		[ -n "$s" ] || continue
		n=$((n + 1))
		# shellcheck disable=SC2086
		if grep -lF -- "$s" $files >/dev/null 2>&1; then
			fail "a secret value is in $(grep -lF -- "$s" $files | head -1)"
		fi
	done <all.secrets
	echo "searched $(echo "$files" | wc -w) logs for $n secret values"
}

"t_$name"
