#!/bin/bash
# SPDX-License-Identifier: MIT
# test_sops.sh DECRYPT ENCRYPT SRC CASE - sops files through the sops_decrypt
# driver (sops_keys_load + sops_ref_read) and the round-trip writer
# sops_encrypt. Each t_* function is one ctest case. Keys are generated at
# run time or are the published test keys in corpus/injector/sops/age.
set -u
dec=$1 enc=$2 src=$3 name=$4
vec=$src/corpus/injector/sops
box=$(mktemp -d "${HUSH_TEST_TMP:-${TMPDIR:-/tmp}}/hush-sops.XXXXXX") || exit 2
trap 'rm -rf "$box"' EXIT INT TERM
cd "$box" || exit 2

fail() { echo "test_sops: $name: $*" >&2; exit 1; }
# run CMD...: stdout in out, stderr in err, exit code in $rc; an empty,
# keyless environment unless the caller passes variables through env
run() { "$@" >"$box/out" 2>"$box/err"; rc=$?; }
dec_env() { run env -i HOME="$box/home" "$@" "$dec" "${refargs[@]}"; }
want_rc() { [ "$rc" = "$1" ] || { cat "$box/err" >&2; fail "exit $rc, want $1"; }; }
want_err() { grep -qF -- "$1" "$box/err" || { cat "$box/err" >&2; fail "stderr lacks: $1"; }; }
no_err() { [ ! -s "$box/err" ] || { cat "$box/err" >&2; fail "stderr not empty"; }; }
# a failure: exit 3, exactly one line on stderr naming $2, nothing on stdout
want_fail() {
	want_rc 3
	[ ! -s "$box/out" ] || fail "stdout not empty on failure"
	[ "$(wc -l <"$box/err")" = 1 ] || { cat "$box/err" >&2; fail "want one line on stderr"; }
	want_err "$1"
}
want_out_file() { cmp -s "$box/out" "$1" || { diff "$1" "$box/out" | head -20 >&2; fail "stdout differs from $1"; }; }
want_out_bytes() { printf "$1" >"$box/want"; want_out_file "$box/want"; }

mkdir -p "$box/home"
cp -r "$vec/." "$box/v"
k1=$(grep '^AGE-SECRET-KEY-' "$vec/age/keys.txt" | sed -n 1p)
k2=$(grep '^AGE-SECRET-KEY-' "$vec/age/keys.txt" | sed -n 2p)
kw=$(grep '^AGE-SECRET-KEY-' "$src/corpus/injector/age/key_wrong.txt")
printf '%s\n' "$kw" >"$box/wrong.txt"
printf '%s\n' "$k1" >"$box/k1.txt"
key_of() { python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["data_key_hex"])' "$1"; }

# ---- outputs, byte for byte ----

# the outputs sops' own functional tests state (PGP files: data key given)
t_format_outputs() {
	local r=$box/v/pgp-head/functional-tests/res f
	for f in format.enc.yaml format.enc.json format.enc.env format.enc.ini format-2.enc.ini; do
		run "$dec" --key "$(key_of "$r/$f.expected.json")" "$r/$f"; want_rc 0; no_err
		case $f in
		*.yaml) want_out_bytes 'foo: bar\n' ;;
		*.json) want_out_bytes '{\n\t"foo": "bar"\n}\n' ;;
		*.env) want_out_bytes 'foo = bar\n' ;;
		*.ini) want_out_bytes '[foo]\nbar = baz\n' ;; # ini.v1 >= 1.66.5: blank lines only between sections
		esac
	done
}

# binary: exactly the bytes of `data`, no newline added
t_binary_output() {
	local r=$box/v/pgp-head
	run "$dec" --key "$(key_of "$r/example.txt.expected.json")" "$r/example.txt"
	want_rc 0; want_out_file "$r/example.txt.plain"
}

# the age vectors, whole documents, against the rendered outputs in corpus
t_age_documents() {
	refargs=(v/example.json); dec_env SOPS_AGE_KEY_FILE="$vec/age/keys.txt"
	want_rc 0; no_err; want_out_file "$vec/example.json.decrypted"
	refargs=(v/example.yaml); dec_env SOPS_AGE_KEY_FILE="$vec/age/keys.txt"
	want_rc 0; no_err; want_out_file "$vec/example.yaml.decrypted"
}

# INI with comments and alignment, as ini.v1 writes it
t_ini_document() {
	local r=$box/v/pgp-head
	run "$dec" --key "$(key_of "$r/example.ini.expected.json")" "$r/example.ini"
	want_rc 0; want_out_file "$vec/example.ini.decrypted"
}

# one value: string, number, bool, a list element, a map as JSON
t_key_paths() {
	local e="SOPS_AGE_KEY=$k1"
	refargs=("v/example.yaml#app2.db.password"); dec_env "$e"; want_rc 0; want_out_bytes 'c4r1b0u'
	refargs=("v/example.yaml#number"); dec_env "$e"; want_rc 0; want_out_bytes '1234568000'
	refargs=("v/example.yaml#somebooleans.1"); dec_env "$e"; want_rc 0; want_out_bytes 'false'
	refargs=("v/example.yaml#an_array.3"); dec_env "$e"; want_rc 0; want_out_bytes 'some other value'
	refargs=("v/example.yaml#app2.db"); dec_env "$e"; want_rc 0
	want_out_bytes '{\n\t"user": "eve",\n\t"password": "c4r1b0u"\n}\n'
	refargs=("v/example.json#phoneNumbers.1.type"); dec_env "$e"; want_rc 0; want_out_bytes 'office'
	refargs=("v/example.json#age"); dec_env "$e"; want_rc 0; want_out_bytes '25.4'
	refargs=("v/example.yaml#app2.nope"); dec_env "$e"; want_fail "v/example.yaml: sops: no key \"app2.nope\""
	refargs=("v/example.yaml#"); dec_env "$e"; want_rc 3; want_err "empty key path"
}

# ---- key sources (sops/age/keysource.go: all sources, concatenated) ----

t_keys_env_words() {
	# several identities in one line, and a comment line
	refargs=(v/example.yaml); dec_env SOPS_AGE_KEY="# test keys
$kw $k2"
	want_rc 0; no_err
}

t_keys_file() {
	refargs=(v/example.yaml); dec_env SOPS_AGE_KEY_FILE="$box/k1.txt"; want_rc 0; no_err
	ln -s "$box/k1.txt" "$box/link.txt"
	dec_env SOPS_AGE_KEY_FILE="$box/link.txt"; want_rc 0; no_err
}

t_keys_cmd() {
	refargs=(v/example.yaml); dec_env SOPS_AGE_KEY_CMD="cat '$box/k1.txt'"; want_rc 0; no_err
	# the command sees the given environment
	dec_env KEYS="$box/k1.txt" SOPS_AGE_KEY_CMD='cat "$KEYS"'; want_rc 0; no_err
}

t_keys_default_xdg() {
	mkdir -p "$box/xdg/sops/age" && cp "$box/k1.txt" "$box/xdg/sops/age/keys.txt"
	refargs=(v/example.yaml); dec_env XDG_CONFIG_HOME="$box/xdg"; want_rc 0; no_err
	# a relative XDG_CONFIG_HOME is not used (Go os.UserConfigDir)
	run env -i HOME="$box/home" XDG_CONFIG_HOME=xdg "$dec" v/example.yaml
	want_fail "XDG_CONFIG_HOME (not an absolute path)"
}

t_keys_default_home() {
	mkdir -p "$box/home/.config/sops/age" && cp "$box/k1.txt" "$box/home/.config/sops/age/keys.txt"
	refargs=(v/example.yaml); dec_env; want_rc 0; no_err
}

# not first-match-wins: a wrong key in SOPS_AGE_KEY, the right one in the
# default file, and each of the others
t_keys_combined() {
	mkdir -p "$box/home/.config/sops/age" && cp "$box/k1.txt" "$box/home/.config/sops/age/keys.txt"
	refargs=(v/example.yaml)
	dec_env SOPS_AGE_KEY="$kw" SOPS_AGE_KEY_FILE="$box/wrong.txt" SOPS_AGE_KEY_CMD="cat '$box/wrong.txt'"
	want_rc 0; no_err
	rm "$box/home/.config/sops/age/keys.txt"
	dec_env SOPS_AGE_KEY="$kw" SOPS_AGE_KEY_FILE="$box/wrong.txt"
	want_fail "v/example.yaml: no age identity opens any of the 2 age recipients"
}

t_keys_cmd_fails() {
	refargs=(v/example.yaml)
	dec_env SOPS_AGE_KEY_CMD='exit 7'
	want_rc 3; [ ! -s "$box/out" ] || fail "stdout not empty"
	[ "$(wc -l <"$box/err")" = 1 ] || fail "want one line on stderr"
	want_err "failed to load age identities; looked in: SOPS_AGE_KEY (unset), SOPS_AGE_KEY_FILE (unset), SOPS_AGE_KEY_CMD (SOPS_AGE_KEY_CMD: the command exited with status 7)"
	# another source still works, with a warning
	dec_env SOPS_AGE_KEY_CMD='exit 1' SOPS_AGE_KEY="$k1"; want_rc 0
	want_err "warning: sops: age key sources skipped: SOPS_AGE_KEY_CMD (SOPS_AGE_KEY_CMD: the command exited with status 1)"
	# output over the limit is refused, not truncated
	dec_env SOPS_AGE_KEY_CMD='head -c 17000000 /dev/zero'
	want_rc 3; want_err "output larger than"
	# killed by a signal
	dec_env SOPS_AGE_KEY_CMD='kill -9 $$'; want_rc 3; want_err "killed by signal 9"
}

t_keys_bad_source_dropped() {
	printf '%s\nnot-a-key\n' "$k1" >"$box/bad.txt"
	refargs=(v/example.yaml)
	dec_env SOPS_AGE_KEY_FILE="$box/bad.txt"; want_fail "SOPS_AGE_KEY_FILE $box/bad.txt (age: "
	dec_env SOPS_AGE_KEY_FILE="$box/bad.txt" SOPS_AGE_KEY="$k2"; want_rc 0
	want_err "sops: age key sources skipped: SOPS_AGE_KEY_FILE $box/bad.txt (age: identity line 2: unknown identity type)"
	dec_env SOPS_AGE_KEY_FILE="$box/missing.txt"; want_rc 3; want_err "$box/missing.txt: cannot open"
	dec_env SOPS_AGE_KEY_FILE="$box"; want_rc 3; want_err "not a regular file"
	# a passphrase-protected identity file is not supported
	age -e -a -r "$(age-keygen -y "$box/k1.txt")" -o "$box/enc.txt" "$box/k1.txt" 2>/dev/null || fail "age -e"
	dec_env SOPS_AGE_KEY_FILE="$box/enc.txt"; want_rc 3; want_err "passphrase-protected, not supported"
}

t_keys_ssh_unsupported() {
	refargs=(v/example.yaml)
	dec_env SOPS_AGE_SSH_PRIVATE_KEY_FILE="$box/id_ed25519" SOPS_AGE_KEY="$k1"; want_rc 0
	want_err "warning: sops: age key sources skipped: SOPS_AGE_SSH_PRIVATE_KEY_FILE (SSH identities are not supported)"
	dec_env SOPS_AGE_SSH_PRIVATE_KEY_CMD="cat x"
	want_fail "failed to load age identities; looked in: SOPS_AGE_SSH_PRIVATE_KEY_CMD (SSH identities are not supported), SOPS_AGE_KEY (unset)"
}

t_keys_none() {
	refargs=(v/example.yaml); dec_env
	want_fail "sops: failed to load age identities; looked in: SOPS_AGE_KEY (unset), SOPS_AGE_KEY_FILE (unset), SOPS_AGE_KEY_CMD (unset), $box/home/.config/sops/age/keys.txt (not found)"
}

# ---- bad input: one line naming the file, exit 3, no plaintext ----

# edit FILE PYTHON-EXPR-ON-s: rewrite a copy of example.yaml
mutate() {
	python3 - "$box/v/example.yaml" "$box/$1" "$2" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = eval(sys.argv[3])
open(sys.argv[2], "w").write(s)
PY
}
bad() { refargs=("$1"); dec_env SOPS_AGE_KEY="$k1"; want_fail "$2"; }

t_bad_truncated() {
	head -c 2000 "$box/v/example.yaml" >"$box/cut.yaml"
	bad cut.yaml "cut.yaml: "
	mutate short.yaml 's.replace("data:DywXZc/D+Q==", "data:DywXZc/D+Q=")'
	bad short.yaml "short.yaml: app2:db:password:: bad base64"
	mutate short2.yaml 's.replace("data:DywXZc/D+Q==", "data:DywXZc/D")'
	bad short2.yaml "short2.yaml: app2:db:password:: authentication failed"
	mutate short3.yaml 's.replace(",tag:JrZvo0ZQNag1D+nGnwDf1A==", ",tag:JrZvo0ZQNag1D+nG")'
	bad short3.yaml "short3.yaml: app2:db:password:: bad base64 or length"
	mutate short4.yaml 's.replace(",type:str]\n", ",type:str\n", 1)'
	bad short4.yaml "short4.yaml: myapp1:: not a valid ENC[AES256_GCM,...] value"
}

t_bad_tampered() {
	mutate val.yaml 's.replace("data:DywXZc/D+Q==", "data:DywXZc/E+Q==")'
	bad val.yaml "val.yaml: app2:db:password:: authentication failed"
	mutate tag.yaml 's.replace("tag:JrZvo0ZQNag1D+nGnwDf1A==", "tag:JrZvo0ZQNag2D+nGnwDf1A==")'
	bad tag.yaml "tag.yaml: app2:db:password:: authentication failed"
	mutate iv.yaml 's.replace("iv:O6r4yGD+", "iv:O6r4yGE+")'
	bad iv.yaml "iv.yaml: app2:db:password:: authentication failed"
	# a value moved to another key path fails its AAD
	mutate moved.yaml 's.replace("        user:", "        usr:")'
	bad moved.yaml "moved.yaml: app2:db:usr:: authentication failed"
}

t_bad_wrong_key() {
	refargs=(v/example.yaml); dec_env SOPS_AGE_KEY="$kw"
	want_fail "v/example.yaml: no age identity opens any of the 2 age recipients"
	mutate noage.yaml 's.replace("    age:", "    xage:")'
	bad noage.yaml "noage.yaml: No keys found in file"
}

t_bad_duplicate_key() {
	mutate dup.yaml '"myapp1: x\n" + s'
	bad dup.yaml 'dup.yaml: duplicate key "myapp1"'
}

t_bad_lastmodified() {
	mutate lm.yaml 's.replace("2022-03-15T22:11:15Z", "2022-03-15T22:11:16Z")'
	bad lm.yaml "lm.yaml: MAC mismatch"
	mutate nomac.yaml 's[:s.index("    mac:")] + s[s.index("    unencrypted_suffix"):]'
	bad nomac.yaml "nomac.yaml: MAC mismatch. File has no MAC"
	# --ignore-mac: decrypted, with a warning
	run env -i HOME="$box/home" SOPS_AGE_KEY="$k1" "$dec" --ignore-mac lm.yaml
	want_rc 0; want_err "lm.yaml: the MAC did not verify"
}

t_bad_yaml_alias() {
	mutate alias.yaml '"a: &x foo\nb: *x\n" + s'
	bad alias.yaml "alias.yaml: line 1: YAML anchors and aliases are not allowed"
}

t_bad_size_limit() {
	cp "$box/v/example.yaml" big.yaml && truncate -s 70M big.yaml
	bad big.yaml "big.yaml: larger than"
	mkdir dir.yaml; bad dir.yaml "dir.yaml: not a regular file"
	bad missing.yaml "missing.yaml: cannot open"
}

t_bad_pgp_only() {
	refargs=(v/pgp-head/functional-tests/res/format.enc.yaml); dec_env SOPS_AGE_KEY="$k1"
	want_fail "format.enc.yaml: PGP recipients are not supported, add an age recipient"
}

# ---- round trip: sops_encrypt writes a file to a fresh age key ----

fresh_key() {
	age-keygen -o "$box/rt.txt" 2>/dev/null || fail "age-keygen"
	rcpt=$(age-keygen -y "$box/rt.txt")
}
# roundtrip FORMAT PLAIN [sops_encrypt options]: encrypt, decrypt, and the
# output must equal PLAIN byte for byte
roundtrip() {
	local fmt=$1 plain=$2 ext; shift 2
	case $fmt in dotenv) ext=env ;; binary) ext=bin ;; *) ext=$fmt ;; esac
	run "$enc" "$@" "$fmt" "$plain" "$rcpt"; want_rc 0
	cp "$box/out" "$box/enc.$ext"
	refargs=("enc.$ext"); dec_env SOPS_AGE_KEY_FILE="$box/rt.txt"
	want_rc 0; no_err; want_out_file "$plain"
}

t_roundtrip_yaml() {
	fresh_key
	printf 'name: app\nport: 8080\nratio: 0.25\nbig: 1.234568e+09\n\"on\": true\nnone: null\nwhen: 2024-01-02T03:04:05Z\nempty: ""\nquoted: "123"\nold_bool: "yes"\nmulti: |-\n    line one\n    line two\nnested:\n    deep:\n        password: s3cr3t\n    list_unencrypted: clear\n' >plain.yaml
	roundtrip yaml plain.yaml
	grep -q 'list_unencrypted": "clear"' enc.yaml || fail "suffix value not in clear"
	refargs=("enc.yaml#nested.deep.password"); dec_env SOPS_AGE_KEY_FILE="$box/rt.txt"
	want_rc 0; want_out_bytes 's3cr3t'
	# sequences: compared with the plain tree rendered the same way
	printf 'a:\n    - 1\n    - b: c\nd: [x, y]\n' >list.yaml
	run "$enc" --render yaml list.yaml; want_rc 0; cp out list.want
	run "$enc" yaml list.yaml "$rcpt"; want_rc 0; cp out list.enc.yaml
	refargs=(list.enc.yaml); dec_env SOPS_AGE_KEY_FILE="$box/rt.txt"; want_rc 0
	want_out_file list.want
}

t_roundtrip_json() {
	fresh_key
	printf '{\n\t"name": "app",\n\t"port": 8080,\n\t"ratio": 0.25,\n\t"big": 1e+21,\n\t"small": 1e-7,\n\t"on": false,\n\t"none": null,\n\t"tags": [\n\t\t"a",\n\t\t2\n\t],\n\t"nested": {\n\t\t"html": "\\u003ca\\u0026b\\u003e \\"q\\" \\\\ \\n\\t\\u0001 é"\n\t},\n\t"empty": {},\n\t"list": []\n}\n' >plain.json
	roundtrip json plain.json
	refargs=("enc.json#nested.html"); dec_env SOPS_AGE_KEY_FILE="$box/rt.txt"
	want_rc 0; printf '<a&b> "q" \\ \n\t\001 é' >want; want_out_file want
}

t_roundtrip_dotenv() {
	fresh_key
	printf 'A=1\n#a comment\nB=multi\\nline\nC_unencrypted=clear\nD=\nspaced key = v\n' >plain.env
	roundtrip dotenv plain.env
	grep -q '^C_unencrypted=clear$' enc.env || fail "suffix value not in clear"
	grep -q '^#ENC\[AES256_GCM,' enc.env || fail "comment not encrypted"
}

t_roundtrip_ini() {
	fresh_key
	printf 'top = 1\n\n[db]\n; the password\npassword = s3cret\nuser     = admin\nhash     = `a#b`\npad      = " x "\n\n[empty]\n' >plain.ini
	roundtrip ini plain.ini
}

t_roundtrip_binary() {
	fresh_key
	printf 'line 1\n\ttabbed "quoted" <html>\n\001\002 no newline at the end' >plain.bin
	roundtrip binary plain.bin
}

t_roundtrip_options() {
	fresh_key
	printf 'user: admin\npassword: s3cret\ndb:\n    token: t0k3n\n    host: db.example\n' >p.yaml
	roundtrip yaml p.yaml --encrypted-regex '^(password|token)$'
	grep -q '"user": "admin"' enc.yaml || fail "user encrypted"
	grep -q '"password": ENC\[' enc.yaml || fail "password in clear"
	roundtrip yaml p.yaml --unencrypted-regex '^(user|host)$'
	grep -q '"host": "db.example"' enc.yaml || fail "host encrypted"
	roundtrip yaml p.yaml --encrypted-suffix word
	grep -q '"password": ENC\[' enc.yaml || fail "password in clear"
	grep -q '"token": "t0k3n"' enc.yaml || fail "token encrypted"
	# the MAC covers clear values too ...
	roundtrip yaml p.yaml --encrypted-suffix word
	sed 's/"admin"/"root"/' enc.yaml >t1.yaml
	refargs=(t1.yaml); dec_env SOPS_AGE_KEY_FILE="$box/rt.txt"; want_fail "t1.yaml: MAC mismatch"
	# ... unless mac_only_encrypted
	roundtrip yaml p.yaml --encrypted-suffix word --mac-only-encrypted
	sed 's/"admin"/"root"/' enc.yaml >t2.yaml
	refargs=(t2.yaml); dec_env SOPS_AGE_KEY_FILE="$box/rt.txt"; want_rc 0; no_err
	# every format honours the options
	printf 'A=1\nB_secret=2\n' >p.env
	roundtrip dotenv p.env --encrypted-suffix _secret
	grep -q '^A=1$' enc.env || fail "A encrypted"
	printf '[s]\na        = 1\nb_secret = 2\n' >p.ini
	roundtrip ini p.ini --encrypted-suffix _secret
	grep -q '^a = 1$' enc.ini || fail "a encrypted"
}

# Shamir key groups: any `threshold` of the groups give the data key
t_roundtrip_shamir() {
	fresh_key
	printf 'k: v\nnum: 1\n' >p.yaml
	roundtrip yaml p.yaml --groups 3 --threshold 2
	printf '{\n\t"k": "v"\n}\n' >p.json
	roundtrip json p.json --groups 4 --threshold 3
	# one group unreadable: 3 of 4 remain, still enough
	python3 - enc.json g1.json 0 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = d["sops"]["key_groups"][int(sys.argv[3])]["age"][0]
e["enc"] = e["enc"].replace("YWdl", "YWdm", 1)
json.dump(d, open(sys.argv[2], "w"), indent="\t")
PY
	refargs=(g1.json); dec_env SOPS_AGE_KEY_FILE="$box/rt.txt"; want_rc 0; want_out_file p.json
	python3 - g1.json g2.json 1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
e = d["sops"]["key_groups"][int(sys.argv[3])]["age"][0]
e["enc"] = e["enc"].replace("YWdl", "YWdm", 1)
json.dump(d, open(sys.argv[2], "w"), indent="\t")
PY
	refargs=(g2.json); dec_env SOPS_AGE_KEY_FILE="$box/rt.txt"
	want_fail "g2.json: only 2 of the 3 key groups needed (shamir_threshold) could be opened"
	printf 'A=1\n' >p.env
	roundtrip dotenv p.env --groups 2 --threshold 2
	printf '[s]\na = 1\n' >p.ini
	roundtrip ini p.ini --groups 2 --threshold 2
}

type "t_$name" >/dev/null 2>&1 || fail "no such case"
"t_$name"
