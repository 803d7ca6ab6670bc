/* SPDX-License-Identifier: MIT */
/*
 * config.c - the JSON config file, the value parsers shared with the
 * command line (modes, owners, durations, signals) and the checks that
 * need the whole configuration. JSON goes through payload.h.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/fs.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "payload.h"
#include "ref.h"
#include "template.h"

void config_init(struct inject_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = 0400;
	c->reload_signal = SIGHUP;
	c->verbosity = HUSH_LOG_WARN;
}

void config_dispose(struct inject_config *c)
{
	size_t i;

	for (i = 0; i < c->nsecrets; i++) {
		free(c->secrets[i].ref);
		free(c->secrets[i].tmpl);
	}
	free(c->secrets);
	free(c->envs);
	for (i = 0; i < c->nvault; i++) {
		free(c->vault[i].name);
		free(c->vault[i].value);
	}
	free(c->vault);
	for (i = 0; i < c->nbootstrap; i++)
		free(c->bootstrap[i]);
	free(c->bootstrap);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

bool config_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > HUSH_MAX_INJECT_NAME)
		return false;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (ch == '_' || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= 'a' && ch <= 'z'))
			continue;
		if (i > 0 && ch >= '0' && ch <= '9')
			continue;
		return false;
	}
	return true;
}

int config_parse_mode(unsigned *out, const char *s)
{
	unsigned v = 0;
	size_t i, n = strlen(s);

	/* octal digits only: "400", "0400"; no sign, no 0o, at most 4 digits */
	if (n == 0 || n > 4)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		v = v * 8 + (unsigned)(s[i] - '0');
	}
	if (v > 0777)
		return -1;  /* no setuid, setgid or sticky bit on a secret */
	*out = v;
	return 0;
}

static int parse_id(unsigned long *out, const char *s, size_t len)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	/* (uid_t)-1 means "unchanged" to chown and setreuid */
	if (v >= 0xffffffffUL)
		return -1;
	*out = v;
	return 0;
}

int config_parse_owner(struct inject_owner *out, const char *s)
{
	const char *colon = strchr(s, ':');
	unsigned long uid, gid;

	if (parse_id(&uid, s, colon ? (size_t)(colon - s) : strlen(s)) < 0)
		return -1;
	gid = uid;
	if (colon && parse_id(&gid, colon + 1, strlen(colon + 1)) < 0)
		return -1;
	out->set = true;
	out->uid = (uid_t)uid;
	out->gid = (gid_t)gid;
	return 0;
}

int config_parse_duration(long *out, const char *s)
{
	long total = 0, v, mul;
	const char *p = s;

	if (*p == '\0')
		return -1;
	while (*p) {
		if (*p < '0' || *p > '9')
			return -1;
		v = 0;
		while (*p >= '0' && *p <= '9') {
			if (v > HUSH_MAX_INJECT_REFRESH)
				return -1;
			v = v * 10 + (*p++ - '0');
		}
		switch (*p++) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return -1;
		}
		if (v > HUSH_MAX_INJECT_REFRESH / mul)
			return -1;
		total += v * mul;
		if (total > HUSH_MAX_INJECT_REFRESH)
			return -1;
	}
	if (total < 1)
		return -1;
	*out = total;
	return 0;
}

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "KILL", SIGKILL }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "CONT", SIGCONT }, { "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
	{ "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
	{ "WINCH", SIGWINCH }, { "IO", SIGIO }, { "PWR", SIGPWR },
	{ "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF }, { "SYS", SIGSYS }, { "CHLD", SIGCHLD },
};

int config_parse_signal(int *out, const char *s)
{
	size_t i;
	long v;
	char *end = NULL;

	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof(signals) / sizeof(*signals); i++) {
		if (strcmp(s, signals[i].name) == 0) {
			*out = signals[i].sig;
			return 0;
		}
	}
	if (*s < '1' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > SIGRTMAX)
		return -1;
	*out = (int)v;
	return 0;
}

const char *config_signal_name(int sig)
{
	static const char *const full[] = {
		"SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2",
		"SIGPIPE", "SIGALRM", "SIGTERM", "SIGCONT", "SIGSTOP",
		"SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGWINCH", "SIGIO",
		"SIGPWR", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
		"SIGSYS", "SIGCHLD",
	};
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(*signals); i++)
		if (signals[i].sig == sig)
			return full[i];
	return "signal";
}

static char *dup_str(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d != NULL) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

int config_add_secret(struct inject_config *c, const char *where,
	const char *name, size_t name_len, const char *ref, const char *tmpl,
	struct inject_secret **out)
{
	struct inject_secret *s, *grown;
	size_t i;
	int error;

	if (out != NULL)
		*out = NULL;
	if (!config_name_ok(name, name_len))
		return hush_err_set(HUSH_EUSAGE,
			"%s: '%.*s' is not a valid secret name (letters, digits "
			"and '_', not starting with a digit, at most %u bytes)",
			where, (int)(name_len > 200 ? 200 : name_len), name,
			(unsigned)HUSH_MAX_INJECT_NAME);
	for (i = 0; i < c->nsecrets; i++)
		if (strlen(c->secrets[i].name) == name_len &&
		    memcmp(c->secrets[i].name, name, name_len) == 0)
			return hush_err_set(HUSH_EUSAGE,
				"%s: secret %.*s is defined twice", where,
				(int)name_len, name);
	if (c->nsecrets >= HUSH_MAX_INJECT_SECRETS)
		return hush_err_set(HUSH_ELIMIT,
			"%s: more than %u secrets (HUSH_MAX_INJECT_SECRETS)",
			where, (unsigned)HUSH_MAX_INJECT_SECRETS);
	if ((ref == NULL) == (tmpl == NULL))
		return hush_err_set(HUSH_EUSAGE,
			"%s: secret %.*s needs exactly one of \"ref\" and "
			"\"template\"", where, (int)name_len, name);
	if (ref != NULL && (error = ref_check(where, ref)) < 0)
		return error;
	grown = realloc(c->secrets, (c->nsecrets + 1) * sizeof(*grown));
	if (grown == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	c->secrets = grown;
	s = &c->secrets[c->nsecrets];
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, name_len);
	s->name[name_len] = '\0';
	if (ref != NULL)
		s->ref = dup_str(ref, strlen(ref));
	else
		s->tmpl = dup_str(tmpl, strlen(tmpl));
	if (s->ref == NULL && s->tmpl == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	c->nsecrets++;
	if (out != NULL)
		*out = s;
	return 0;
}

int config_add_env(struct inject_config *c, const char *where,
	const char *text)
{
	const char *eq = strchr(text, '=');
	struct inject_env *grown, *e;
	size_t vlen, slen, i;

	if (eq == NULL)
		return hush_err_set(HUSH_EUSAGE,
			"%s: '%s' is not VAR=SECRET", where, text);
	vlen = (size_t)(eq - text);
	slen = strlen(eq + 1);
	if (!config_name_ok(text, vlen))
		return hush_err_set(HUSH_EUSAGE,
			"%s: '%.*s' is not a valid variable name", where,
			(int)(vlen > 200 ? 200 : vlen), text);
	if (!config_name_ok(eq + 1, slen))
		return hush_err_set(HUSH_EUSAGE,
			"%s: '%.*s' is not a valid secret name", where,
			(int)(slen > 200 ? 200 : slen), eq + 1);
	for (i = 0; i < c->nenvs; i++)
		if (strlen(c->envs[i].var) == vlen &&
		    memcmp(c->envs[i].var, text, vlen) == 0)
			return hush_err_set(HUSH_EUSAGE,
				"%s: variable %.*s is given twice", where,
				(int)vlen, text);
	if (c->nenvs >= HUSH_MAX_INJECT_SECRETS)
		return hush_err_set(HUSH_ELIMIT,
			"%s: more than %u --env entries "
			"(HUSH_MAX_INJECT_SECRETS)", where,
			(unsigned)HUSH_MAX_INJECT_SECRETS);
	grown = realloc(c->envs, (c->nenvs + 1) * sizeof(*grown));
	if (grown == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	c->envs = grown;
	e = &c->envs[c->nenvs++];
	memcpy(e->var, text, vlen);
	e->var[vlen] = '\0';
	memcpy(e->secret, eq + 1, slen);
	e->secret[slen] = '\0';
	return 0;
}

int config_add_vault(struct inject_config *c, const char *name,
	const char *value)
{
	struct inject_kv *grown;
	char *n = dup_str(name, strlen(name)), *v = dup_str(value,
		strlen(value));

	grown = n && v ? realloc(c->vault, (c->nvault + 1) * sizeof(*grown))
		: NULL;
	if (grown == NULL) {
		free(n);
		free(v);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	c->vault = grown;
	c->vault[c->nvault].name = n;
	c->vault[c->nvault].value = v;
	c->nvault++;
	return 0;
}

int config_add_bootstrap(struct inject_config *c, const char *where,
	const char *name)
{
	char **grown, *d;

	if (!config_name_ok(name, strlen(name)))
		return hush_err_set(HUSH_EUSAGE,
			"%s: '%.200s' is not a valid variable name", where, name);
	if (c->nbootstrap >= HUSH_MAX_INJECT_SECRETS)
		return hush_err_set(HUSH_ELIMIT,
			"%s: more than %u bootstrap variables "
			"(HUSH_MAX_INJECT_SECRETS)", where,
			(unsigned)HUSH_MAX_INJECT_SECRETS);
	d = dup_str(name, strlen(name));
	grown = d ? realloc(c->bootstrap, (c->nbootstrap + 1) *
		sizeof(*grown)) : NULL;
	if (grown == NULL) {
		free(d);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	c->bootstrap = grown;
	c->bootstrap[c->nbootstrap++] = d;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The config file */

struct json_ctx {
	const char *path;
	struct inject_config *c;
	char where[HUSH_MAX_PATH + 64];
};

static const char *kind_name(enum payload_kind k)
{
	switch (k) {
	case PAYLOAD_NULL: return "null";
	case PAYLOAD_BOOL: return "a boolean";
	case PAYLOAD_NUMBER: return "a number";
	case PAYLOAD_STRING: return "a string";
	case PAYLOAD_ARRAY: return "an array";
	case PAYLOAD_OBJECT: return "an object";
	}
	return "a value";
}

static int want(const struct json_ctx *j, const struct payload_node *n,
	enum payload_kind k, const char *member)
{
	if (payload_node_kind(n) != k)
		return hush_err_set(HUSH_EUSAGE, "%s: \"%s\" must be %s, not %s",
			j->where, member, kind_name(k),
			kind_name(payload_node_kind(n)));
	return 0;
}

static int bad_value(const struct json_ctx *j, const char *member,
	const char *what)
{
	return hush_err_set(HUSH_EUSAGE, "%s: \"%s\": %s", j->where, member,
		what);
}

static int load_secret(struct json_ctx *j, const struct payload_node *obj)
{
	const struct payload_node *m, *name = NULL, *ref = NULL, *tmpl = NULL;
	const struct payload_node *mode = NULL, *owner = NULL, *opt = NULL;
	struct inject_secret *s = NULL;
	const char *key;
	int error;

	if ((error = want(j, obj, PAYLOAD_OBJECT, "secrets[]")) < 0)
		return error;
	for (m = payload_node_first(obj); m; m = payload_node_next(m)) {
		key = payload_node_key(m);
		if (!strcmp(key, "name"))
			name = m;
		else if (!strcmp(key, "ref"))
			ref = m;
		else if (!strcmp(key, "template"))
			tmpl = m;
		else if (!strcmp(key, "mode"))
			mode = m;
		else if (!strcmp(key, "owner"))
			owner = m;
		else if (!strcmp(key, "optional"))
			opt = m;
		else
			return hush_err_set(HUSH_EUSAGE,
				"%s: unknown member \"%.100s\"", j->where, key);
	}
	if (name == NULL)
		return hush_err_set(HUSH_EUSAGE, "%s: \"name\" is missing",
			j->where);
	if ((error = want(j, name, PAYLOAD_STRING, "name")) < 0 ||
	    (ref && (error = want(j, ref, PAYLOAD_STRING, "ref")) < 0) ||
	    (tmpl && (error = want(j, tmpl, PAYLOAD_STRING, "template")) < 0) ||
	    (mode && (error = want(j, mode, PAYLOAD_STRING, "mode")) < 0) ||
	    (owner && (error = want(j, owner, PAYLOAD_STRING, "owner")) < 0) ||
	    (opt && (error = want(j, opt, PAYLOAD_BOOL, "optional")) < 0))
		return error;
	if ((error = config_add_secret(j->c, j->where,
			payload_node_string(name),
			strlen(payload_node_string(name)),
			ref ? payload_node_string(ref) : NULL,
			tmpl ? payload_node_string(tmpl) : NULL, &s)) < 0)
		return error;
	if (mode) {
		if (config_parse_mode(&s->mode, payload_node_string(mode)) < 0)
			return bad_value(j, "mode",
				"not an octal mode between 0 and 0777");
		s->mode_set = true;
	}
	if (owner && config_parse_owner(&s->owner,
			payload_node_string(owner)) < 0)
		return bad_value(j, "owner", "not UID[:GID] (numbers)");
	s->optional = opt ? payload_node_bool(opt) : false;
	return 0;
}

static int load_secrets(struct json_ctx *j, const struct payload_node *arr)
{
	const struct payload_node *e;
	char base[sizeof(j->where)];
	size_t i = 0;
	int error, n;

	if ((error = want(j, arr, PAYLOAD_ARRAY, "secrets")) < 0)
		return error;
	memcpy(base, j->where, sizeof(base));
	for (e = payload_node_first(arr); e; e = payload_node_next(e), i++) {
		n = snprintf(j->where, sizeof(j->where), "%s: secrets[%zu]",
			j->path, i);
		if (n < 0 || (size_t)n >= sizeof(j->where))
			return hush_err_set(HUSH_ELIMIT, "%s: path too long",
				j->path);
		if ((error = load_secret(j, e)) < 0)
			return error;
	}
	memcpy(j->where, base, sizeof(base));
	return 0;
}

static int load_env(struct json_ctx *j, const struct payload_node *obj)
{
	const struct payload_node *m;
	struct hush_buf b = HUSH_BUF_INIT(2 * HUSH_MAX_INJECT_NAME + 2);
	int error = 0;

	if ((error = want(j, obj, PAYLOAD_OBJECT, "env")) < 0)
		return error;
	for (m = payload_node_first(obj); m; m = payload_node_next(m)) {
		if ((error = want(j, m, PAYLOAD_STRING, "env")) < 0)
			break;
		hush_buf_clear(&b);
		if (strlen(payload_node_key(m)) > HUSH_MAX_INJECT_NAME ||
		    strlen(payload_node_string(m)) > HUSH_MAX_INJECT_NAME) {
			error = bad_value(j, "env", "name too long");
			break;
		}
		if ((error = hush_buf_printf(&b, "%s=%s", payload_node_key(m),
				payload_node_string(m))) < 0)
			break;
		if ((error = config_add_env(j->c, j->where, b.ptr)) < 0)
			break;
	}
	hush_buf_dispose(&b);
	return error;
}

static int load_vault(struct json_ctx *j, const struct payload_node *obj)
{
	const struct payload_node *m;
	int error;

	if ((error = want(j, obj, PAYLOAD_OBJECT, "vault")) < 0)
		return error;
	for (m = payload_node_first(obj); m; m = payload_node_next(m)) {
		if (payload_node_kind(m) != PAYLOAD_STRING)
			return hush_err_set(HUSH_EUSAGE,
				"%s: \"vault\": member \"%.100s\" must be a "
				"string", j->where, payload_node_key(m));
		if ((error = config_add_vault(j->c, payload_node_key(m),
				payload_node_string(m))) < 0)
			return error;
	}
	return 0;
}

static int load_bootstrap(struct json_ctx *j, const struct payload_node *arr)
{
	const struct payload_node *e;
	int error;

	if ((error = want(j, arr, PAYLOAD_ARRAY, "bootstrap_env")) < 0)
		return error;
	for (e = payload_node_first(arr); e; e = payload_node_next(e)) {
		if ((error = want(j, e, PAYLOAD_STRING, "bootstrap_env")) < 0 ||
		    (error = config_add_bootstrap(j->c, j->where,
				payload_node_string(e))) < 0)
			return error;
	}
	return 0;
}

/* One top-level scalar; the command line wins over the file. */
static int load_scalar(struct json_ctx *j, const char *key,
	const struct payload_node *m)
{
	struct inject_config *c = j->c;
	const char *s = payload_node_string(m);
	int error;

	if (!strcmp(key, "allow_disk") || !strcmp(key, "require_mlock") ||
	    !strcmp(key, "once") || !strcmp(key, "supervise")) {
		if ((error = want(j, m, PAYLOAD_BOOL, key)) < 0)
			return error;
		if (!strcmp(key, "allow_disk"))
			c->allow_disk |= payload_node_bool(m);
		else if (!strcmp(key, "require_mlock"))
			c->require_mlock |= payload_node_bool(m);
		else if (payload_node_bool(m) && !c->run_set) {
			enum inject_mode want_run = !strcmp(key, "once") ?
				INJECT_ONCE : INJECT_SUPERVISE;

			if (c->run != INJECT_EXEC && c->run != want_run)
				return hush_err_set(HUSH_EUSAGE,
					"%s: \"once\" and \"supervise\" exclude "
					"each other", j->where);
			c->run = want_run;
		}
		return 0;
	}
	if (strcmp(key, "dir") && strcmp(key, "user") && strcmp(key, "mode") &&
	    strcmp(key, "refresh") && strcmp(key, "reload_signal"))
		return hush_err_set(HUSH_EUSAGE, "%s: unknown member \"%.100s\"",
			j->where, key);
	if ((error = want(j, m, PAYLOAD_STRING, key)) < 0)
		return error;
	if (!strcmp(key, "dir")) {
		if (c->dir == NULL && (c->dir = dup_str(s, strlen(s))) == NULL)
			return hush_err_set(HUSH_ENOMEM, "out of memory");
	} else if (!strcmp(key, "user")) {
		struct inject_owner o;

		if (config_parse_owner(&o, s) < 0)
			return bad_value(j, key, "not UID[:GID] (numbers)");
		if (!c->user.set)
			c->user = o;
	} else if (!strcmp(key, "mode")) {
		unsigned mode;

		if (config_parse_mode(&mode, s) < 0)
			return bad_value(j, key,
				"not an octal mode between 0 and 0777");
		if (!c->mode_set) {
			c->mode = mode;
			c->mode_set = true;
		}
	} else if (!strcmp(key, "refresh")) {
		long d;

		if (config_parse_duration(&d, s) < 0)
			return bad_value(j, key,
				"not a duration such as 30s, 5m or 1h");
		if (c->refresh == 0)
			c->refresh = d;
	} else if (!strcmp(key, "reload_signal")) {
		int sig;

		if (config_parse_signal(&sig, s) < 0)
			return bad_value(j, key, "not a signal name or number");
		if (!c->reload_set) {
			c->reload_signal = sig;
			c->reload_set = true;
		}
	}
	return 0;
}

int config_load_file(struct inject_config *c, const char *path)
{
	struct hush_buf text = HUSH_BUF_INIT(HUSH_MAX_INJECT_CONFIG);
	struct payload_json *doc = NULL;
	const struct payload_node *root, *m;
	struct json_ctx j;
	const char *key;
	int error, n;

	j.path = path;
	j.c = c;
	n = snprintf(j.where, sizeof(j.where), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(j.where)) {
		error = hush_err_set(HUSH_EUSAGE, "--config: path too long");
		goto done;
	}
	if ((error = hush_fs_read_all(&text, path, HUSH_MAX_INJECT_CONFIG,
			"HUSH_MAX_INJECT_CONFIG")) < 0)
		goto done;
	/* an empty file has no buffer at all: not a JSON object either */
	if (text.len == 0) {
		error = hush_err_set(HUSH_EUSAGE, "%s: empty, not a JSON object",
			path);
		goto done;
	}
	if ((error = payload_json_parse(&doc, path,
			(const unsigned char *)text.ptr, text.len)) < 0)
		goto done;
	root = payload_json_root(doc);
	if (payload_node_kind(root) != PAYLOAD_OBJECT) {
		error = hush_err_set(HUSH_EUSAGE, "%s: not a JSON object", path);
		goto done;
	}
	for (m = payload_node_first(root); m; m = payload_node_next(m)) {
		key = payload_node_key(m);
		if (!strcmp(key, "secrets"))
			error = load_secrets(&j, m);
		else if (!strcmp(key, "env"))
			error = load_env(&j, m);
		else if (!strcmp(key, "vault"))
			error = load_vault(&j, m);
		else if (!strcmp(key, "bootstrap_env"))
			error = load_bootstrap(&j, m);
		else
			error = load_scalar(&j, key, m);
		if (error < 0)
			goto done;
	}
done:
	payload_json_free(doc);
	hush_buf_dispose(&text);
	return error;
}

/* ------------------------------------------------------------------ */
/* Whole-configuration checks */

static struct inject_secret *find_secret(struct inject_config *c,
	const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->nsecrets; i++)
		if (strlen(c->secrets[i].name) == len &&
		    memcmp(c->secrets[i].name, name, len) == 0)
			return &c->secrets[i];
	return NULL;
}

struct tmpl_check {
	struct inject_config *c;
	const char *owner;
};

static int check_piece(const char *text, size_t len, bool is_name,
	void *payload)
{
	struct tmpl_check *t = payload;
	struct inject_secret *s;

	if (!is_name)
		return 0;
	s = find_secret(t->c, text, len);
	if (s == NULL)
		return hush_err_set(HUSH_EUSAGE,
			"secret %s: template names %.*s, which is not a secret",
			t->owner, (int)len, text);
	if (s->ref == NULL)
		return hush_err_set(HUSH_EUSAGE,
			"secret %s: template names %.*s, which is a template "
			"itself (templates take ref secrets only)", t->owner,
			(int)len, text);
	return 0;
}

/* Is var one of the names the child gets from us (X_FILE, --env)? */
static int claim_var(const char **seen, size_t *nseen, const char *var)
{
	size_t i;

	for (i = 0; i < *nseen; i++)
		if (!strcmp(seen[i], var))
			return hush_err_set(HUSH_EUSAGE,
				"the child's variable %s would be set twice "
				"(a secret's NAME_FILE and an --env entry)", var);
	seen[(*nseen)++] = var;
	return 0;
}

int config_finish(struct inject_config *c)
{
	struct tmpl_check t = { c, NULL };
	char (*files)[HUSH_MAX_INJECT_NAME + 6] = NULL;
	const char **seen = NULL;
	size_t i, nseen = 0;
	int error = 0;

	if (c->run == INJECT_ONCE && c->argc > 0)
		return hush_err_set(HUSH_EUSAGE,
			"--once writes the files and runs no program, but one "
			"was given: %s", c->argv[0]);
	if (c->run != INJECT_ONCE && c->argc == 0)
		return hush_err_set(HUSH_EUSAGE,
			"no PROGRAM given (hush-inject [OPTIONS] -- PROGRAM "
			"[ARGS...])");
	if (c->run != INJECT_SUPERVISE && c->refresh > 0)
		return hush_err_set(HUSH_EUSAGE, "--refresh needs --supervise");
	if (c->run != INJECT_SUPERVISE && c->reload_set)
		return hush_err_set(HUSH_EUSAGE,
			"--reload-signal needs --supervise");
	if (c->nsecrets == 0)
		return hush_err_set(HUSH_EUSAGE,
			"no secret given (--secret NAME=REF or --config FILE)");
	for (i = 0; i < c->nsecrets; i++) {
		if (c->secrets[i].tmpl == NULL)
			continue;
		t.owner = c->secrets[i].name;
		if ((error = template_walk(c->secrets[i].name,
				c->secrets[i].tmpl, check_piece, &t)) < 0)
			return error;
	}
	for (i = 0; i < c->nenvs; i++)
		if (find_secret(c, c->envs[i].secret,
				strlen(c->envs[i].secret)) == NULL)
			return hush_err_set(HUSH_EUSAGE,
				"--env %s=%s: there is no secret %s",
				c->envs[i].var, c->envs[i].secret,
				c->envs[i].secret);
	files = calloc(c->nsecrets, sizeof(*files));
	seen = calloc(c->nsecrets + c->nenvs, sizeof(*seen));
	if (files == NULL || seen == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < c->nsecrets && error == 0; i++) {
		int n = snprintf(files[i], sizeof(*files), "%s_FILE",
			c->secrets[i].name);

		if (n < 0 || (size_t)n >= sizeof(*files))
			error = hush_err_set(HUSH_ERROR, "name too long");
		else
			error = claim_var(seen, &nseen, files[i]);
	}
	for (i = 0; i < c->nenvs && error == 0; i++)
		error = claim_var(seen, &nseen, c->envs[i].var);
done:
	free(seen);
	free(files);
	return error;
}
