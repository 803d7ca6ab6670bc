/* SPDX-License-Identifier: MIT */
/*
 * test_inject.c - hush-inject's pieces without a server: value parsers,
 * the command line and config file, refs, templates, the child's
 * environment and file delivery (in a disk folder, with --allow-disk).
 */
#define _GNU_SOURCE /* mkdtemp, statfs */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "deliver.h"
#include "env.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "ref.h"
#include "t.h"
#include "template.h"

/* ---------------------------------------------------------------- */

static void values(void)
{
	static const struct { const char *in; long want; } durs[] = {
		{ "30s", 30 }, { "5m", 300 }, { "1h", 3600 }, { "1h30m", 5400 },
		{ "2d", 172800 }, { "1m1s", 61 }, { "30d", 2592000 },
		{ "", -1 }, { "0s", -1 }, { "5", -1 }, { "s", -1 },
		{ "-5s", -1 }, { "5x", -1 }, { "31d", -1 }, { "1.5h", -1 },
		{ "5m ", -1 }, { "99999999999999999999s", -1 },
	};
	static const struct { const char *in; long want; } modes[] = {
		{ "0400", 0400 }, { "400", 0400 }, { "0", 0 }, { "0777", 0777 },
		{ "0440", 0440 }, { "4755", -1 }, { "0800", -1 }, { "", -1 },
		{ "0o400", -1 }, { "00400", -1 }, { "-400", -1 }, { "1000", -1 },
	};
	static const struct { const char *in; long uid, gid; } owners[] = {
		{ "65534", 65534, 65534 }, { "65534:100", 65534, 100 },
		{ "0:0", 0, 0 }, { "1000:", -1, 0 }, { ":1000", -1, 0 },
		{ "nobody", -1, 0 }, { "4294967295", -1, 0 }, { "-1", -1, 0 },
		{ "1:2:3", -1, 0 }, { "", -1, 0 },
	};
	static const struct { const char *in; int want; } sigs[] = {
		{ "HUP", SIGHUP }, { "SIGHUP", SIGHUP }, { "USR1", SIGUSR1 },
		{ "SIGTERM", SIGTERM }, { "10", 10 }, { "1", 1 },
		{ "hup", -1 }, { "0", -1 }, { "65", -1 }, { "SIG", -1 },
		{ "", -1 }, { "1x", -1 }, { "BOGUS", -1 },
	};
	static const struct { const char *in; bool ok; } names[] = {
		{ "DB_PASSWORD", true }, { "_x", true }, { "a1", true },
		{ "1a", false }, { "", false }, { "A-B", false },
		{ "A.B", false }, { "A B", false }, { "A/B", false },
	};
	struct inject_owner o;
	unsigned m;
	long d;
	int sig;
	size_t i;
	char longname[HUSH_MAX_INJECT_NAME + 2];

	for (i = 0; i < sizeof(durs) / sizeof(*durs); i++) {
		int r = config_parse_duration(&d, durs[i].in);

		if (durs[i].want < 0) {
			if (r != -1)
				T_FAIL("duration '%s' accepted", durs[i].in);
		} else {
			if (r != 0)
				T_FAIL("duration '%s' refused", durs[i].in);
			T_EQ_INT(d, durs[i].want);
		}
	}
	for (i = 0; i < sizeof(modes) / sizeof(*modes); i++) {
		int r = config_parse_mode(&m, modes[i].in);

		if (modes[i].want < 0) {
			if (r != -1)
				T_FAIL("mode '%s' accepted", modes[i].in);
		} else {
			T_EQ_INT(r, 0);
			T_EQ_INT(m, modes[i].want);
		}
	}
	for (i = 0; i < sizeof(owners) / sizeof(*owners); i++) {
		int r;

		memset(&o, 0, sizeof(o));
		r = config_parse_owner(&o, owners[i].in);
		if (owners[i].uid < 0) {
			if (r != -1)
				T_FAIL("owner '%s' accepted", owners[i].in);
		} else {
			T_EQ_INT(r, 0);
			T_ASSERT(o.set);
			T_EQ_INT(o.uid, owners[i].uid);
			T_EQ_INT(o.gid, owners[i].gid);
		}
	}
	for (i = 0; i < sizeof(sigs) / sizeof(*sigs); i++) {
		int r = config_parse_signal(&sig, sigs[i].in);

		if (sigs[i].want < 0) {
			if (r != -1)
				T_FAIL("signal '%s' accepted", sigs[i].in);
		} else {
			T_EQ_INT(r, 0);
			T_EQ_INT(sig, sigs[i].want);
		}
	}
	T_EQ_STR(config_signal_name(SIGHUP), "SIGHUP");
	T_EQ_STR(config_signal_name(SIGWINCH), "SIGWINCH");
	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		T_EQ_INT(config_name_ok(names[i].in, strlen(names[i].in)),
			names[i].ok);
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	T_ASSERT(!config_name_ok(longname, HUSH_MAX_INJECT_NAME + 1));
	T_ASSERT(config_name_ok(longname, HUSH_MAX_INJECT_NAME));
}

/* ---------------------------------------------------------------- */
/* The command line */

/* Parse a NULL-terminated argument list (argv[0] added). */
static int parse(struct inject_config *c, const char *const *args)
{
	static char store[64][4300];
	static char *argv[64];
	int argc = 0;

	memcpy(store[0], "hush-inject", 12);
	argv[argc] = store[argc];
	argc++;
	for (; *args != NULL && argc < 63; args++, argc++) {
		T_ASSERT(strlen(*args) < sizeof(store[0]));
		memcpy(store[argc], *args, strlen(*args) + 1);
		argv[argc] = store[argc];
	}
	argv[argc] = NULL;
	config_init(c);
	return cli_parse(c, argc, argv);
}

static void cli_ok(void)
{
	static const char *const a[] = {
		"--secret", "DB_PASSWORD=vault:secret/app#password",
		"--secret=API_KEY=vault:kv1/api#key",
		"--dir", "/run/s", "--user", "65534:65533", "--mode", "0440",
		"--env", "API=API_KEY", "--supervise", "--refresh", "5m",
		"--reload-signal", "USR1", "--vault-addr", "http://127.0.0.1:1",
		"--vault-auth=approle", "--bootstrap-env", "MY_TOKEN", "-vv",
		"--", "prog", "--secret", "x", NULL,
	};
	struct inject_config c;

	T_OK(parse(&c, a));
	T_EQ_INT(c.nsecrets, 2);
	T_EQ_STR(c.secrets[0].name, "DB_PASSWORD");
	T_EQ_STR(c.secrets[0].ref, "vault:secret/app#password");
	T_EQ_STR(c.secrets[1].name, "API_KEY");
	T_EQ_STR(c.secrets[1].ref, "vault:kv1/api#key");
	T_EQ_STR(c.dir, "/run/s");
	T_ASSERT(c.user.set);
	T_EQ_INT(c.user.uid, 65534);
	T_EQ_INT(c.user.gid, 65533);
	T_EQ_INT(c.mode, 0440);
	T_EQ_INT(c.nenvs, 1);
	T_EQ_STR(c.envs[0].var, "API");
	T_EQ_STR(c.envs[0].secret, "API_KEY");
	T_EQ_INT(c.run, INJECT_SUPERVISE);
	T_EQ_INT(c.refresh, 300);
	T_EQ_INT(c.reload_signal, SIGUSR1);
	T_EQ_INT(c.nvault, 2);
	T_EQ_STR(c.vault[0].name, "addr");
	T_EQ_STR(c.vault[0].value, "http://127.0.0.1:1");
	T_EQ_STR(c.vault[1].name, "auth");
	T_EQ_STR(c.vault[1].value, "approle");
	T_EQ_INT(c.nbootstrap, 1);
	T_EQ_STR(c.bootstrap[0], "MY_TOKEN");
	T_EQ_INT(c.verbosity, 3);
	/* everything after "--" is the program's */
	T_EQ_INT(c.argc, 3);
	T_EQ_STR(c.argv[0], "prog");
	T_EQ_STR(c.argv[1], "--secret");
	T_ASSERT(c.argv[3] == NULL);
	config_dispose(&c);
}

static void cli_program_without_dashdash(void)
{
	static const char *const a[] = {
		"--secret", "A=vault:p", "prog", "--once", "-v", NULL,
	};
	static const char *const once[] = {
		"--once", "--secret", "A=vault:p", NULL,
	};
	struct inject_config c;

	/* the first positional starts the program; later options are its */
	T_OK(parse(&c, a));
	T_EQ_INT(c.run, INJECT_EXEC);
	T_EQ_INT(c.argc, 3);
	T_EQ_STR(c.argv[0], "prog");
	T_EQ_STR(c.argv[1], "--once");
	T_EQ_INT(c.mode, 0400);
	T_EQ_INT(c.reload_signal, SIGHUP);
	T_ASSERT(c.dir == NULL);
	config_dispose(&c);
	T_OK(parse(&c, once));
	T_EQ_INT(c.run, INJECT_ONCE);
	T_EQ_INT(c.argc, 0);
	config_dispose(&c);
}

static void cli_errors(void)
{
	static const struct {
		const char *args[10];
		int code;
		const char *msg;
	} cases[] = {
		{ { "--", "p", NULL }, HUSH_EUSAGE,
		  "no secret given (--secret NAME=REF or --config FILE)" },
		{ { "--secret", "A=vault:p", NULL }, HUSH_EUSAGE,
		  "no PROGRAM given (hush-inject [OPTIONS] -- PROGRAM [ARGS...])" },
		{ { "--secret", "A", "--", "p", NULL }, HUSH_EUSAGE,
		  "--secret 'A': not NAME=REF" },
		{ { "--secret", "1A=vault:p", "--", "p", NULL }, HUSH_EUSAGE,
		  "--secret: '1A' is not a valid secret name (letters, digits and '_', not starting with a digit, at most 128 bytes)" },
		{ { "--secret", "A=vault:p", "--secret", "A=vault:q", "--", "p", NULL },
		  HUSH_EUSAGE, "--secret: secret A is defined twice" },
		{ { "--secret", "A=sops:", "--", "p", NULL }, HUSH_EUSAGE,
		  "--secret: ref 'sops:' names no path" },
		{ { "--secret", "A=aws:x", "--", "p", NULL }, HUSH_EUSAGE,
		  "--secret: ref 'aws:x' has no known scheme (vault: or sops:)" },
		{ { "--secret", "A=vault:", "--", "p", NULL }, HUSH_EUSAGE,
		  "--secret: ref 'vault:' names no path" },
		{ { "--secret", "A=vault:p", "--mode", "0800", "--", "p", NULL },
		  HUSH_EUSAGE,
		  "--mode '0800': not an octal mode between 0 and 0777" },
		{ { "--secret", "A=vault:p", "--user", "root", "--", "p", NULL },
		  HUSH_EUSAGE, "--user 'root': not UID[:GID] (numbers)" },
		{ { "--secret", "A=vault:p", "--refresh", "5m", "--", "p", NULL },
		  HUSH_EUSAGE, "--refresh needs --supervise" },
		{ { "--secret", "A=vault:p", "--reload-signal", "USR1", "--", "p", NULL },
		  HUSH_EUSAGE, "--reload-signal needs --supervise" },
		{ { "--secret", "A=vault:p", "--supervise", "--refresh", "0s", "--", "p", NULL },
		  HUSH_EUSAGE,
		  "--refresh '0s': not a duration such as 30s, 5m or 1h (at most 30d)" },
		{ { "--secret", "A=vault:p", "--once", "--supervise", NULL },
		  HUSH_EUSAGE, "--once and --supervise exclude each other" },
		{ { "--secret", "A=vault:p", "--once", "--", "p", NULL },
		  HUSH_EUSAGE,
		  "--once writes the files and runs no program, but one was given: p" },
		{ { "--secret", "A=vault:p", "--env", "X=B", "--", "p", NULL },
		  HUSH_EUSAGE, "--env X=B: there is no secret B" },
		{ { "--secret", "A=vault:p", "--env", "X-Y=A", "--", "p", NULL },
		  HUSH_EUSAGE, "--env: 'X-Y' is not a valid variable name" },
		{ { "--secret", "A=vault:p", "--env", "A_FILE=A", "--", "p", NULL },
		  HUSH_EUSAGE,
		  "the child's variable A_FILE would be set twice (a secret's NAME_FILE and an --env entry)" },
		{ { "--secret", "A=vault:p", "--dir", "/a", "--dir", "/b", "--", "p", NULL },
		  HUSH_EUSAGE, "--dir given twice" },
		{ { "--secret", "A=vault:p", "--bogus", "--", "p", NULL },
		  HUSH_EUSAGE, "unknown option '--bogus'" },
		{ { "--secret", "A=vault:p", "--vault-addr", NULL }, HUSH_EUSAGE,
		  "option '--vault-addr' needs a value" },
		{ { "--secret", "A=vault:p", "-q", "-v", "--", "p", NULL },
		  HUSH_EUSAGE, "-q and -v exclude each other" },
		{ { "--config", "/nonexistent/hush.json", "--", "p", NULL },
		  HUSH_ENOTFOUND, NULL },
	};
	struct inject_config c;
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		r = parse(&c, cases[i].args);
		if (r != cases[i].code)
			T_FAIL("case %zu: %d, want %d (%s)", i, r, cases[i].code,
				hush_err_msg());
		if (cases[i].msg != NULL)
			T_EQ_STR(hush_err_msg(), cases[i].msg);
		config_dispose(&c);
	}
}

/* ---------------------------------------------------------------- */
/* The config file */

static const char *tmp_base(void)
{
	const char *t = getenv("HUSH_TEST_TMP");

	return t != NULL ? t : "/tmp";
}

static void make_box(char *out, size_t n)
{
	int w = snprintf(out, n, "%s/hush-inject-unit.XXXXXX", tmp_base());

	T_ASSERT(w > 0 && (size_t)w < n);
	T_ASSERT(mkdtemp(out) != NULL);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	T_ASSERT(f != NULL);
	T_ASSERT(fputs(text, f) >= 0);
	T_ASSERT(fclose(f) == 0);
}

/* The boxes hold files, symlinks and empty folders only. */
static void rm_box(const char *box)
{
	DIR *d = opendir(box);
	struct dirent *e;
	int dfd;

	T_ASSERT(d != NULL);
	dfd = dirfd(d);
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dfd, e->d_name, 0) < 0)
			T_ASSERT(unlinkat(dfd, e->d_name, AT_REMOVEDIR) == 0);
	}
	closedir(d);
	T_ASSERT(rmdir(box) == 0);
}

static void config_file_ok(void)
{
	char box[4096], path[4200];
	static const char *const a[] = { "--config", NULL, "--mode", "0600",
		"--secret", "EXTRA=vault:x", NULL };
	const char *args[8];
	struct inject_config c;

	make_box(box, sizeof(box));
	T_ASSERT(snprintf(path, sizeof(path), "%s/c.json", box) > 0);
	write_text(path,
		"{\n"
		"  \"dir\": \"/run/app\", \"user\": \"1000\", \"mode\": \"0440\",\n"
		"  \"once\": true, \"allow_disk\": true,\n"
		"  \"env\": { \"DB_PASS\": \"DB_PASSWORD\" },\n"
		"  \"bootstrap_env\": [\"MY_TOKEN\"],\n"
		"  \"vault\": { \"addr\": \"http://127.0.0.1:8200\", \"auth\": \"token\" },\n"
		"  \"secrets\": [\n"
		"    { \"name\": \"DB_PASSWORD\", \"ref\": \"vault:secret/db#password\",\n"
		"      \"mode\": \"0400\", \"owner\": \"0:1000\" },\n"
		"    { \"name\": \"DB_USER\", \"ref\": \"vault:secret/db#user\",\n"
		"      \"optional\": true },\n"
		"    { \"name\": \"DSN\", \"template\": \"postgres://{{ .DB_USER }}:{{.DB_PASSWORD}}@db/app\" }\n"
		"  ]\n"
		"}\n");
	memcpy(args, a, sizeof(a));
	args[1] = path;
	T_OK(parse(&c, args));
	T_EQ_STR(c.dir, "/run/app");
	T_EQ_INT(c.user.uid, 1000);
	T_EQ_INT(c.user.gid, 1000);
	T_EQ_INT(c.mode, 0600);  /* the command line wins */
	T_EQ_INT(c.run, INJECT_ONCE);
	T_ASSERT(c.allow_disk);
	T_EQ_INT(c.nsecrets, 4);
	T_EQ_STR(c.secrets[0].name, "EXTRA");
	T_EQ_STR(c.secrets[1].name, "DB_PASSWORD");
	T_ASSERT(c.secrets[1].mode_set);
	T_EQ_INT(c.secrets[1].mode, 0400);
	T_ASSERT(c.secrets[1].owner.set);
	T_EQ_INT(c.secrets[1].owner.uid, 0);
	T_EQ_INT(c.secrets[1].owner.gid, 1000);
	T_ASSERT(!c.secrets[1].optional);
	T_ASSERT(c.secrets[2].optional);
	T_ASSERT(c.secrets[3].ref == NULL);
	T_EQ_STR(c.secrets[3].tmpl,
		"postgres://{{ .DB_USER }}:{{.DB_PASSWORD}}@db/app");
	T_EQ_INT(c.nenvs, 1);
	T_EQ_STR(c.envs[0].var, "DB_PASS");
	T_EQ_INT(c.nvault, 2);
	T_EQ_STR(c.vault[1].name, "auth");
	T_EQ_STR(c.bootstrap[0], "MY_TOKEN");
	config_dispose(&c);
	rm_box(box);
}

/* msg with its "%s" replaced by path */
static void subst(char *out, size_t n, const char *msg, const char *path)
{
	const char *at = strstr(msg, "%s");
	size_t a = at ? (size_t)(at - msg) : strlen(msg);

	T_ASSERT(strlen(msg) + strlen(path) < n);
	memcpy(out, msg, a);
	out[a] = '\0';
	if (at != NULL) {
		memcpy(out + a, path, strlen(path));
		memcpy(out + a + strlen(path), at + 2, strlen(at + 2) + 1);
	}
}

static void config_file_errors(void)
{
	static const struct { const char *json, *msg; } cases[] = {
		{ "[]", "%s: not a JSON object" },
		{ "{\"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\"}], \"color\": 1}",
		  "%s: unknown member \"color\"" },
		{ "{\"secrets\": {}}", "%s: \"secrets\" must be an array, not an object" },
		{ "{\"secrets\": [{\"ref\": \"vault:p\"}]}",
		  "%s: secrets[0]: \"name\" is missing" },
		{ "{\"secrets\": [{\"name\": \"A\"}]}",
		  "%s: secrets[0]: secret A needs exactly one of \"ref\" and \"template\"" },
		{ "{\"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\", \"template\": \"x\"}]}",
		  "%s: secrets[0]: secret A needs exactly one of \"ref\" and \"template\"" },
		{ "{\"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\", \"mode\": 256}]}",
		  "%s: secrets[0]: \"mode\" must be a string, not a number" },
		{ "{\"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\", \"mode\": \"0999\"}]}",
		  "%s: secrets[0]: \"mode\": not an octal mode between 0 and 0777" },
		{ "{\"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\", \"optional\": \"yes\"}]}",
		  "%s: secrets[0]: \"optional\" must be a boolean, not a string" },
		{ "{\"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\", \"path\": \"x\"}]}",
		  "%s: secrets[0]: unknown member \"path\"" },
		{ "{\"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\"}, {\"name\": \"A\", \"ref\": \"vault:q\"}]}",
		  "%s: secrets[1]: secret A is defined twice" },
		{ "{\"secrets\": [{\"name\": \"A\", \"template\": \"{{ .B }}\"}]}",
		  "secret A: template names B, which is not a secret" },
		{ "{\"secrets\": [{\"name\": \"A\", \"template\": \"{{ .A }}\"}]}",
		  "secret A: template names A, which is a template itself (templates take ref secrets only)" },
		{ "{\"secrets\": [{\"name\": \"A\", \"template\": \"x {{ A }}\"}]}",
		  "A: template: \"{{\" at byte 2 is not \"{{ .NAME }}\"" },
		{ "{\"vault\": {\"max-retries\": 3}, \"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\"}]}",
		  "%s: \"vault\": member \"max-retries\" must be a string" },
		{ "{\"refresh\": \"soon\", \"secrets\": [{\"name\": \"A\", \"ref\": \"vault:p\"}]}",
		  "%s: \"refresh\": not a duration such as 30s, 5m or 1h" },
		{ "{\"secrets\": [], \"secrets\": []}", "%s: duplicate JSON key \"secrets\"" },
		{ "{\"once\": true, \"supervise\": true}",
		  "%s: \"once\" and \"supervise\" exclude each other" },
		{ "{\"secrets\": [", NULL },
		{ "", "%s: empty, not a JSON object" },
	};
	char box[4096], path[4200], want[8400];
	const char *args[4] = { "--config", NULL, "--", NULL };
	static const char *const prog[] = { "p", NULL };
	struct inject_config c;
	size_t i;
	int r;

	(void)prog;
	make_box(box, sizeof(box));
	T_ASSERT(snprintf(path, sizeof(path), "%s/c.json", box) > 0);
	args[1] = path;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *a[5] = { "--config", path, "--", "p", NULL };

		write_text(path, cases[i].json);
		r = parse(&c, a);
		if (r != HUSH_EUSAGE && r != HUSH_EPARSE)
			T_FAIL("case %zu: %d (%s)", i, r, hush_err_msg());
		if (cases[i].msg != NULL) {
			subst(want, sizeof(want), cases[i].msg, path);
			T_EQ_STR(hush_err_msg(), want);
		}
		config_dispose(&c);
	}
	(void)args;
	rm_box(box);
}

/* ---------------------------------------------------------------- */

static void refs(void)
{
	char big[HUSH_MAX_INJECT_REF + 16];

	T_OK(ref_check("x", "vault:secret/app#password"));
	T_OK(ref_check("x", "vault:secret/app?version=2#password"));
	T_OK(ref_check("x", "vault:database/creds/ro"));
	T_EQ_INT(ref_check("x", "vault:a\nb"), HUSH_EUSAGE);
	T_EQ_STR(hush_err_msg(), "x: control character in ref");
	T_OK(ref_check("x", "sops:secrets.yaml"));
	T_OK(ref_check("x", "sops:secrets.yaml#db.password"));
	T_EQ_INT(ref_check("x", "sops:"), HUSH_EUSAGE);
	T_EQ_STR(hush_err_msg(), "x: ref 'sops:' names no path");
	T_EQ_INT(ref_check("x", "secret/app#password"), HUSH_EUSAGE);
	memcpy(big, "vault:", 6);
	memset(big + 6, 'a', sizeof(big) - 7);
	big[sizeof(big) - 1] = '\0';
	T_EQ_INT(ref_check("x", big), HUSH_EUSAGE);
	T_EQ_STR(hush_err_msg(),
		"x: ref longer than 4096 bytes (HUSH_MAX_INJECT_REF)");
}

/* ---------------------------------------------------------------- */
/* Templates */

struct vals {
	const char *name[3];
	struct secret *v[3];
};

static const struct secret *lookup_vals(const char *name, size_t len,
	void *payload)
{
	struct vals *vs = payload;
	size_t i;

	for (i = 0; i < 3; i++)
		if (vs->name[i] && strlen(vs->name[i]) == len &&
		    !memcmp(vs->name[i], name, len))
			return vs->v[i];
	return NULL;
}

static struct secret *val(const char *s)
{
	struct secret *v = NULL;

	T_OK(secret_new(&v, strlen(s)));
	memcpy(v->data, s, strlen(s));
	v->len = strlen(s);
	return v;
}

static void templates(void)
{
	static const struct { const char *tmpl, *want; } ok[] = {
		{ "postgres://{{ .USER }}:{{ .PASS }}@db/app",
		  "postgres://app:s3cr{e}t@db/app" },
		{ "{{.USER}}{{.USER}}", "appapp" },
		{ "{{\t.PASS\t}}", "s3cr{e}t" },
		{ "no placeholders } }} {", "no placeholders } }} {" },
		{ "", "" },
		{ "user={{ .USER }}\n", "user=app\n" },
	};
	static const struct { const char *tmpl; int code; const char *msg; } bad[] = {
		{ "{{ USER }}", HUSH_EUSAGE,
		  "T: template: \"{{\" at byte 0 is not \"{{ .NAME }}\"" },
		{ "a{{ .USER }", HUSH_EUSAGE,
		  "T: template: \"{{ .USER\" at byte 1 is not closed by \"}}\"" },
		{ "{{ .USER | upper }}", HUSH_EUSAGE,
		  "T: template: \"{{ .USER\" at byte 0 is not closed by \"}}\"" },
		{ "{{ . }}", HUSH_EUSAGE, "T: template: bad secret name at byte 4" },
		{ "{{ .1A }}", HUSH_EUSAGE, "T: template: bad secret name at byte 4" },
		{ "{{", HUSH_EUSAGE,
		  "T: template: \"{{\" at byte 0 is not \"{{ .NAME }}\"" },
		{ "{{ .GONE }}", HUSH_ENOTFOUND,
		  "T: template: secret GONE has no value" },
	};
	struct vals vs = { { "USER", "PASS", "GONE" }, { NULL, NULL, NULL } };
	struct secret *out = NULL;
	char *big;
	size_t i;

	vs.v[0] = val("app");
	vs.v[1] = val("s3cr{e}t");
	for (i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		T_OK(template_render(&out, "T", ok[i].tmpl, lookup_vals, &vs));
		T_EQ_INT(out->len, strlen(ok[i].want));
		T_EQ_MEM(out->data, ok[i].want, out->len);
		secret_free(out);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		T_EQ_INT(template_render(&out, "T", bad[i].tmpl, lookup_vals,
			&vs), bad[i].code);
		T_ASSERT(out == NULL);
		T_EQ_STR(hush_err_msg(), bad[i].msg);
	}
	big = malloc(HUSH_MAX_INJECT_TEMPLATE + 2);
	T_ASSERT(big != NULL);
	memset(big, 'x', HUSH_MAX_INJECT_TEMPLATE + 1);
	big[HUSH_MAX_INJECT_TEMPLATE + 1] = '\0';
	T_EQ_INT(template_render(&out, "T", big, lookup_vals, &vs),
		HUSH_ELIMIT);
	free(big);
	secret_free(vs.v[0]);
	secret_free(vs.v[1]);
}

/* ---------------------------------------------------------------- */
/* The child's environment */

static void env_bootstrap_removed(void)
{
	char *parent[] = {
		"PATH=/usr/bin:/bin", "HOME=/root", "VAULT_TOKEN=hvs.FAKE",
		"VAULT_ADDR=http://127.0.0.1:8200", "SOPS_AGE_KEY=AGE-FAKE",
		"SOPS_AGE_KEY_FILE=/k", "SOPS_AGE_KEY_CMD=cat /k",
		"SOPS_AGE_SSH_PRIVATE_KEY_FILE=/s", "MY_TOKEN=abc",
		"API_KEY_FILE=/stale", "NOEQUALS", "=bad", "LANG=C",
		"SOPS_AGE_KEYS=kept", "API=old", NULL,
	};
	char *extra[] = { "MY_TOKEN" };
	const unsigned char secret[] = "v4lue=with=equals";
	struct env_add add[] = {
		{ "API_KEY_FILE", (const unsigned char *)"/run/secrets/API_KEY", 20 },
		{ "API", secret, sizeof(secret) - 1 },
	};
	static const char *const want[] = {
		"PATH=/usr/bin:/bin", "HOME=/root", "LANG=C",
		"SOPS_AGE_KEYS=kept", "API_KEY_FILE=/run/secrets/API_KEY",
		"API=v4lue=with=equals",
	};
	struct child_env env;
	size_t i;

	T_OK(env_build(&env, parent, extra, 1, add, 2));
	T_EQ_INT(env.n, sizeof(want) / sizeof(*want));
	for (i = 0; i < env.n; i++)
		T_EQ_STR(env.vec[i], want[i]);
	T_ASSERT(env.vec[env.n] == NULL);
	T_EQ_STR(env_get(env.vec, "API"), "v4lue=with=equals");
	T_ASSERT(env_get(env.vec, "VAULT_TOKEN") == NULL);
	T_ASSERT(env_is_bootstrap("VAULT_TOKEN", 11, NULL, 0));
	T_ASSERT(env_is_bootstrap("SOPS_AGE_KEY", 12, NULL, 0));
	T_ASSERT(!env_is_bootstrap("SOPS_AGE_KEYS", 13, NULL, 0));
	T_ASSERT(!env_is_bootstrap("MY_TOKEN", 8, NULL, 0));
	T_ASSERT(env_is_bootstrap("MY_TOKEN", 8, extra, 1));
	env_dispose(&env);
	env_dispose(&env);  /* twice is fine */
}

static void env_wipe_value(void)
{
	char tok[] = "VAULT_TOKEN=hvs.wipe", other[] = "VAULT_TOKENS=keep";
	char *envp[] = { other, tok, NULL };

	T_ASSERT(env_wipe(envp, "VAULT_TOKEN"));
	T_EQ_MEM(tok, "VAULT_TOKEN=\0\0\0\0\0\0\0\0", sizeof(tok));
	T_EQ_STR(other, "VAULT_TOKENS=keep");
	T_ASSERT(!env_wipe(envp, "SOPS_AGE_KEY"));
}

static void env_limits(void)
{
	char *parent[] = { "A=1", NULL };
	const unsigned char nul[] = { 'a', 0, 'b' };
	struct env_add add = { "X", nul, sizeof(nul) };
	struct child_env env;
	char *big;

	T_EQ_INT(env_build(&env, parent, NULL, 0, &add, 1), HUSH_EUSAGE);
	T_EQ_STR(hush_err_msg(),
		"X: the value holds a NUL byte and cannot go into the environment");
	big = malloc(HUSH_MAX_CHILD_ENV + 1);
	T_ASSERT(big != NULL);
	memset(big, 'v', HUSH_MAX_CHILD_ENV);
	add.value = (const unsigned char *)big;
	add.len = HUSH_MAX_CHILD_ENV;
	T_EQ_INT(env_build(&env, parent, NULL, 0, &add, 1), HUSH_ELIMIT);
	free(big);
	T_OK(env_build(&env, NULL, NULL, 0, NULL, 0));
	T_EQ_INT(env.n, 0);
	T_ASSERT(env.vec[0] == NULL);
	env_dispose(&env);
}

/* ---------------------------------------------------------------- */
/* Delivery */

static void read_file(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	ssize_t r;

	T_ASSERT(fd >= 0);
	r = read(fd, out, n - 1);
	T_ASSERT(r >= 0);
	out[r] = '\0';
	close(fd);
}

static size_t count_entries(const char *box)
{
	DIR *d = opendir(box);
	struct dirent *e;
	size_t n = 0;

	T_ASSERT(d != NULL);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void deliver_files(void)
{
	char box[4096], path[4200], buf[256], target[4200];
	struct deliver_dir d;
	struct inject_owner none = { false, 0, 0 };
	struct inject_owner me = { true, getuid(), getgid() };
	struct stat st, st2;
	int fd;

	make_box(box, sizeof(box));
	T_OK(deliver_open(&d, box, true));
	T_OK(deliver_write(&d, "A", (const unsigned char *)"one", 3, 0400,
		&none));
	T_ASSERT(snprintf(path, sizeof(path), "%s/A", box) > 0);
	T_ASSERT(lstat(path, &st) == 0);
	T_ASSERT(S_ISREG(st.st_mode));
	T_EQ_INT(st.st_mode & 07777, 0400);
	read_file(path, buf, sizeof(buf));
	T_EQ_STR(buf, "one");
	T_OK(deliver_path(buf, sizeof(buf), &d, "A"));
	T_EQ_STR(buf, path);

	/* the umask does not decide the mode; the owner is set */
	umask(0077);
	T_OK(deliver_write(&d, "B", (const unsigned char *)"two", 3, 0444,
		&me));
	umask(0022);
	T_ASSERT(snprintf(path, sizeof(path), "%s/B", box) > 0);
	T_ASSERT(lstat(path, &st) == 0);
	T_EQ_INT(st.st_mode & 07777, 0444);
	T_EQ_INT(st.st_uid, getuid());

	/* atomic replace: a reader holding the old file keeps its content */
	T_ASSERT(snprintf(path, sizeof(path), "%s/A", box) > 0);
	fd = open(path, O_RDONLY);
	T_ASSERT(fd >= 0);
	T_ASSERT(fstat(fd, &st) == 0);
	T_OK(deliver_write(&d, "A", (const unsigned char *)"three", 5, 0440,
		&none));
	T_ASSERT(lstat(path, &st2) == 0);
	T_ASSERT(st.st_ino != st2.st_ino);
	T_EQ_INT(st2.st_mode & 07777, 0440);
	T_EQ_INT(pread(fd, buf, sizeof(buf), 0), 3);
	T_EQ_MEM(buf, "one", 3);
	close(fd);
	read_file(path, buf, sizeof(buf));
	T_EQ_STR(buf, "three");

	/* a symlink planted at the target is replaced, not followed */
	T_ASSERT(snprintf(target, sizeof(target), "%s/victim", box) > 0);
	write_text(target, "keep me");
	T_ASSERT(snprintf(path, sizeof(path), "%s/C", box) > 0);
	T_ASSERT(symlink(target, path) == 0);
	T_OK(deliver_write(&d, "C", (const unsigned char *)"four", 4, 0400,
		&none));
	T_ASSERT(lstat(path, &st) == 0);
	T_ASSERT(S_ISREG(st.st_mode));
	read_file(target, buf, sizeof(buf));
	T_EQ_STR(buf, "keep me");
	read_file(path, buf, sizeof(buf));
	T_EQ_STR(buf, "four");

	/* a folder at the target: an error, and no temporary file left */
	T_ASSERT(snprintf(path, sizeof(path), "%s/D", box) > 0);
	T_ASSERT(mkdir(path, 0700) == 0);
	T_EQ_INT(deliver_write(&d, "D", (const unsigned char *)"x", 1, 0400,
		&none), HUSH_EIO);
	/* A, B, C, D, victim: nothing else */
	T_EQ_INT(count_entries(box), 5);

	/* names that are not plain file names */
	T_EQ_INT(deliver_write(&d, "../x", (const unsigned char *)"x", 1, 0400,
		&none), HUSH_ERROR);
	T_EQ_INT(deliver_write(&d, ".hidden", (const unsigned char *)"x", 1,
		0400, &none), HUSH_ERROR);

	T_OK(deliver_remove(&d, "A"));
	T_OK(deliver_remove(&d, "A"));  /* already gone */
	T_ASSERT(snprintf(path, sizeof(path), "%s/A", box) > 0);
	T_ASSERT(lstat(path, &st) < 0 && errno == ENOENT);
	deliver_close(&d);
	deliver_close(&d);
	rm_box(box);
}

static void deliver_refusals(void)
{
	char box[4096], link[4200], file[4200];
	struct deliver_dir d;
	struct inject_owner other = { true, 65534, 65534 };
	struct statfs sfs;

	make_box(box, sizeof(box));
	T_ASSERT(statfs(box, &sfs) == 0);
	if (sfs.f_type != 0x01021994 && sfs.f_type != 0x858458f6) {
		T_EQ_INT(deliver_open(&d, box, false), HUSH_ERROR);
		T_ASSERT(strstr(hush_err_msg(), "is not a tmpfs or ramfs") !=
			NULL);
		T_ASSERT(strstr(hush_err_msg(), ":mode=0700") != NULL);
		T_ASSERT(strstr(hush_err_msg(), "medium: Memory") != NULL);
	}
	/* the folder itself must not be a symlink */
	T_ASSERT(snprintf(link, sizeof(link), "%s/link", box) > 0);
	T_ASSERT(symlink(box, link) == 0);
	T_EQ_INT(deliver_open(&d, link, true), HUSH_ERROR);
	T_ASSERT(snprintf(file, sizeof(file), "--dir %s: not a folder (a "
		"symlink or a file)", link) > 0);
	T_EQ_STR(hush_err_msg(), file);
	T_EQ_INT(deliver_open(&d, "relative/dir", true), HUSH_EUSAGE);
	T_ASSERT(snprintf(file, sizeof(file), "%s/missing", box) > 0);
	T_EQ_INT(deliver_open(&d, file, true), HUSH_ENOTFOUND);

	/* a user who cannot search the folder is told how to fix it */
	T_OK(deliver_open(&d, box, true));
	T_ASSERT(chmod(box, 0700) == 0);
	if (getuid() != 65534) {
		T_EQ_INT(deliver_check_user(&d, &other), HUSH_ERROR);
		T_ASSERT(strstr(hush_err_msg(), "uid=65534,gid=65534") != NULL);
	}
	T_ASSERT(chmod(box, 0711) == 0);
	T_OK(deliver_check_user(&d, &other));
	deliver_close(&d);
	rm_box(box);
}

T_MAIN(T_CASE(values), T_CASE(cli_ok), T_CASE(cli_program_without_dashdash),
	T_CASE(cli_errors), T_CASE(config_file_ok), T_CASE(config_file_errors),
	T_CASE(refs), T_CASE(templates), T_CASE(env_bootstrap_removed),
	T_CASE(env_limits), T_CASE(env_wipe_value), T_CASE(deliver_files), T_CASE(deliver_refusals))
