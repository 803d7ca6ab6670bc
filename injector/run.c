/* SPDX-License-Identifier: MIT */
/*
 * run.c - one run: harden, find the program, fetch (fail closed), render,
 * write, build the environment, then exec, exit or supervise. The order
 * matters: nothing is fetched before the folder and the program are known
 * to be usable, and nothing is written before every required secret is
 * in memory, so a failure leaves no partial set of files behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hush/err.h"
#include "hush/exitcode.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "run.h"
#include "template.h"

#define DEFAULT_DIR "/run/secrets"
/* execvp's default search path (glibc, POSIX confstr _CS_PATH style) */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

long inject_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 0 when path is an executable regular file, else ENOENT or EACCES. */
static int probe(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? ENOENT : EACCES;
	if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
		return EACCES;
	return 0;
}

/*
 * Find the program the way execvp does (PATH of the child, which is ours
 * minus credentials), before anything is fetched: a typo must not cost a
 * login and leave secrets behind. *status is 126 or 127 on failure.
 */
static int find_program(struct inject *in, int *status)
{
	const char *name = in->c->argv[0], *path, *p, *colon;
	char cand[HUSH_MAX_PATH];
	int e = ENOENT, r, n;
	size_t dlen;

	*status = 0;
	if (name[0] == '\0') {
		e = ENOENT;
		goto fail;
	}
	if (strchr(name, '/') != NULL) {
		n = snprintf(in->prog, sizeof(in->prog), "%s", name);
		if (n < 0 || (size_t)n >= sizeof(in->prog))
			return hush_err_set(HUSH_EUSAGE, "PROGRAM: path too long");
		e = probe(name);
		if (e == 0)
			return 0;
		goto fail;
	}
	path = env_get(in->envp, "PATH");
	if (path == NULL)
		path = DEFAULT_PATH;
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		dlen = colon ? (size_t)(colon - p) : strlen(p);
		/* an empty entry is the current folder */
		n = dlen == 0 ? snprintf(cand, sizeof(cand), "%s", name) :
			snprintf(cand, sizeof(cand), "%.*s/%s", (int)dlen, p,
				name);
		if (n >= 0 && (size_t)n < sizeof(cand)) {
			r = probe(cand);
			if (r == 0) {
				memcpy(in->prog, cand, (size_t)n + 1);
				return 0;
			}
			if (r == EACCES)
				e = EACCES;  /* found, but not runnable */
		}
		if (colon == NULL)
			break;
	}
fail:
	*status = e == ENOENT ? HUSH_INJECT_EXIT_NOTFOUND :
		HUSH_INJECT_EXIT_NOEXEC;
	hush_log_error("%s: %s", name, e == ENOENT ? "program not found" :
		"program not executable");
	return 0;
}

static const struct secret *lookup(const char *name, size_t len,
	void *payload)
{
	struct inject *in = payload;
	size_t i;

	for (i = 0; i < in->c->nsecrets; i++)
		if (strlen(in->c->secrets[i].name) == len &&
		    memcmp(in->c->secrets[i].name, name, len) == 0)
			return in->items[i].got.value;
	return NULL;
}

static void describe(char *out, size_t n, const struct inject_secret *s)
{
	int w = snprintf(out, n, "secret %s (%s)", s->name,
		s->ref ? s->ref : "template");

	if (w < 0)
		out[0] = '\0';
}

/* Fetch or render item i; an optional one that fails only warns. */
static int fetch_one(struct inject *in, size_t i)
{
	struct inject_item *it = &in->items[i];
	char what[HUSH_MAX_INJECT_REF + HUSH_MAX_INJECT_NAME + 32];
	char why[1024];
	struct secret *out = NULL;
	int error;

	if (it->cfg->ref != NULL)
		error = ref_resolve(&it->got, &in->refs, it->cfg->ref);
	else if ((error = template_render(&out, it->cfg->name, it->cfg->tmpl,
			lookup, in)) == 0)
		it->got.value = out;
	if (error == 0) {
		inject_schedule(in, i);
		return 0;
	}
	describe(what, sizeof(what), it->cfg);
	/* copied: hush_err_set must not read the buffer it writes */
	if (snprintf(why, sizeof(why), "%s", hush_err_msg()) < 0)
		why[0] = '\0';
	vault_secret_clear(&it->got);
	if (it->cfg->optional) {
		hush_log_warn("%s: %s; optional, going on without it", what,
			why);
		return 0;
	}
	/* the message names the secret and where it comes from, no value */
	return hush_err_set(error, "%s: %s", what, why);
}

void inject_schedule(struct inject *in, size_t i)
{
	struct inject_item *it = &in->items[i];
	long d = it->got.lease_duration;

	it->due = 0;
	if (it->got.value == NULL || it->got.lease_id[0] == '\0' || d <= 0)
		return;
	/*
	 * Vault Agent's schedule: renew a renewable lease at two thirds of
	 * its duration; read a non-renewable one again at 85 %.
	 */
	/* a server's number: bounded before it becomes milliseconds */
	if (d > HUSH_MAX_INJECT_REFRESH)
		d = HUSH_MAX_INJECT_REFRESH;
	d = it->got.renewable ? d * 2 / 3 : d * 85 / 100;
	it->due = inject_now() + (d > 0 ? d : 1) * 1000;
}

int inject_reread(struct inject *in, size_t i, bool *changed)
{
	struct inject_item *it = &in->items[i];
	struct vault_secret fresh;
	const struct secret *a, *b;
	int error;

	*changed = false;
	memset(&fresh, 0, sizeof(fresh));
	if (it->cfg->ref == NULL)
		return 0;
	if ((error = ref_resolve(&fresh, &in->refs, it->cfg->ref)) < 0) {
		vault_secret_clear(&fresh);
		return error;
	}
	a = it->got.value;
	b = fresh.value;
	*changed = a == NULL || a->len != b->len ||
		!seal_equal(a->data, b->data, a->len);
	/* keep the new lease either way: the old one may be gone */
	vault_secret_clear(&it->got);
	it->got = fresh;
	inject_schedule(in, i);
	return 0;
}

static int write_one(struct inject *in, size_t i)
{
	struct inject_item *it = &in->items[i];
	const struct inject_secret *s = it->cfg;
	const struct inject_owner *owner = s->owner.set ? &s->owner :
		&in->c->user;
	unsigned mode = s->mode_set ? s->mode : in->c->mode;
	int error;

	if (it->got.value == NULL)
		return 0;
	if ((error = deliver_write(&in->dir, s->name, it->got.value->data,
			it->got.value->len, mode, owner)) < 0)
		return error;
	it->written = true;
	hush_log_info("wrote %s/%s (mode %04o%s)", in->dir.path, s->name,
		mode, owner->set ? ", owner set" : "");
	return 0;
}

int inject_rewrite(struct inject *in, bool *changed, bool *any)
{
	struct inject_item *it;
	struct secret *out = NULL;
	size_t i;
	int error = 0;
	bool dirty = false;

	*any = false;
	for (i = 0; i < in->c->nsecrets; i++)
		dirty |= changed[i];
	if (!dirty)
		return 0;
	/* templates: render again, and rewrite only when the text changed */
	for (i = 0; i < in->c->nsecrets; i++) {
		it = &in->items[i];
		if (it->cfg->tmpl == NULL)
			continue;
		if ((error = template_render(&out, it->cfg->name, it->cfg->tmpl,
				lookup, in)) < 0) {
			hush_log_warn("secret %s: %s; the file keeps its old "
				"content", it->cfg->name, hush_err_msg());
			continue;
		}
		if (it->got.value == NULL || it->got.value->len != out->len ||
		    !seal_equal(it->got.value->data, out->data, out->len)) {
			secret_free(it->got.value);
			it->got.value = out;
			out = NULL;
			changed[i] = true;
		}
		secret_free(out);
		out = NULL;
	}
	for (i = 0; i < in->c->nsecrets; i++) {
		if (!changed[i])
			continue;
		if ((error = write_one(in, i)) < 0)
			return error;
		*any = true;
	}
	return 0;
}

int inject_remove_files(struct inject *in)
{
	size_t i;
	int error = 0, e;

	if (in->items == NULL || in->dir.fd < 0)
		return 0;
	for (i = 0; i < in->c->nsecrets; i++) {
		if (!in->items[i].written)
			continue;
		if ((e = deliver_remove(&in->dir, in->items[i].cfg->name)) < 0) {
			hush_log_warn("%s", hush_err_msg());
			if (error == 0)
				error = e;
			continue;
		}
		in->items[i].written = false;
	}
	return error;
}

/* NAME_FILE for each file written, and each --env value asked for. */
static int build_env(struct inject *in)
{
	struct inject_config *c = in->c;
	struct env_add *add = NULL;
	char (*paths)[HUSH_MAX_PATH] = NULL, (*names)[HUSH_MAX_INJECT_NAME + 6];
	const struct secret *v;
	size_t i, n = 0;
	int error = HUSH_ENOMEM, w;

	names = calloc(c->nsecrets, sizeof(*names));
	paths = calloc(c->nsecrets, sizeof(*paths));
	add = calloc(c->nsecrets + c->nenvs, sizeof(*add));
	if (names == NULL || paths == NULL || add == NULL) {
		hush_err_set(error, "out of memory");
		goto done;
	}
	for (i = 0; i < c->nsecrets; i++) {
		if (!in->items[i].written)
			continue;
		w = snprintf(names[i], sizeof(*names), "%s_FILE",
			c->secrets[i].name);
		if (w < 0 || (size_t)w >= sizeof(*names)) {
			error = hush_err_set(HUSH_ELIMIT, "name too long");
			goto done;
		}
		if ((error = deliver_path(paths[i], sizeof(*paths), &in->dir,
				c->secrets[i].name)) < 0)
			goto done;
		add[n].name = names[i];
		add[n].value = (const unsigned char *)paths[i];
		add[n].len = strlen(paths[i]);
		n++;
	}
	for (i = 0; i < c->nenvs; i++) {
		v = lookup(c->envs[i].secret, strlen(c->envs[i].secret), in);
		if (v == NULL) {
			hush_log_warn("--env %s: secret %s has no value; the "
				"variable is not set", c->envs[i].var,
				c->envs[i].secret);
			continue;
		}
		hush_log_warn("--env %s: the value of secret %s goes into the "
			"environment, which is inherited and readable in "
			"/proc/PID/environ; %s_FILE is safer", c->envs[i].var,
			c->envs[i].secret, c->envs[i].secret);
		add[n].name = c->envs[i].var;
		add[n].value = v->data;
		add[n].len = v->len;
		n++;
	}
	error = env_build(&in->env, in->envp, c->bootstrap, c->nbootstrap,
		add, n);
done:
	free(add);
	free(paths);
	free(names);
	return error;
}

int inject_exec(struct inject *in)
{
	int e;

	harden_restore(&in->saved);
	if (harden_drop(&in->c->user) < 0 ||
	    harden_close_fds(in->dir.fd) < 0) {
		hush_log_error("%s", hush_err_msg());
		return HUSH_INJECT_EXIT_FAILURE;
	}
	execve(in->prog, in->c->argv, in->env.vec);
	e = errno;
	hush_log_error("%s: cannot run: %s", in->prog, strerror(e));
	return e == ENOENT ? HUSH_INJECT_EXIT_NOTFOUND :
		HUSH_INJECT_EXIT_NOEXEC;
}

static void release(struct inject *in)
{
	size_t i;

	if (in->items != NULL)
		for (i = 0; i < in->c->nsecrets; i++)
			vault_secret_clear(&in->items[i].got);
	free(in->items);
	in->items = NULL;
	env_dispose(&in->env);
	ref_ctx_dispose(&in->refs);
	deliver_close(&in->dir);
}

void inject_run(struct inject_result *out, struct inject_config *c,
	char *const *envp)
{
	struct inject in;
	size_t i;
	int error, status = 0;

	memset(&in, 0, sizeof(in));
	in.c = c;
	in.envp = envp;
	in.dir.fd = -1;
	out->error = 0;
	out->status = 0;
	if ((error = seal_init()) < 0 ||
	    (error = harden_self(&in.saved, c->require_mlock)) < 0 ||
	    (error = ref_ctx_init(&in.refs, c, envp)) < 0 ||
	    (error = deliver_open(&in.dir, c->dir ? c->dir : DEFAULT_DIR,
			c->allow_disk)) < 0 ||
	    (error = deliver_check_user(&in.dir, &c->user)) < 0)
		goto done;
	if (c->run != INJECT_ONCE &&
	    ((error = find_program(&in, &status)) < 0 || status != 0))
		goto done;
	in.items = calloc(c->nsecrets, sizeof(*in.items));
	if (in.items == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < c->nsecrets; i++)
		in.items[i].cfg = &c->secrets[i];
	/* refs first, then the templates made of them */
	for (i = 0; i < c->nsecrets; i++)
		if (c->secrets[i].ref != NULL &&
		    (error = fetch_one(&in, i)) < 0)
			goto done;
	for (i = 0; i < c->nsecrets; i++)
		if (c->secrets[i].tmpl != NULL &&
		    (error = fetch_one(&in, i)) < 0)
			goto done;
	for (i = 0; i < c->nsecrets; i++)
		if ((error = write_one(&in, i)) < 0)
			goto done;
	if (c->run == INJECT_ONCE) {
		hush_log_info("wrote the secrets to %s", in.dir.path);
		goto done;
	}
	if ((error = build_env(&in)) < 0)
		goto done;
	if (c->run == INJECT_SUPERVISE) {
		/*
		 * We stay: our environment block stays readable (by root; we
		 * are not dumpable) in /proc/PID/environ. The Vault client
		 * copied the token at login, so its value can go.
		 */
		if (env_wipe(envp, "VAULT_TOKEN"))
			hush_log_debug("VAULT_TOKEN wiped from our environment");
		supervise_run(out, &in);
		error = out->error;
		status = out->status;
		goto done;
	}
	/* exec: nothing of ours but the environment survives execve */
	for (i = 0; i < c->nsecrets; i++)
		vault_secret_clear(&in.items[i].got);
	ref_ctx_dispose(&in.refs);
	status = inject_exec(&in);
	/* exec failed: take the files back, as far as the user may */
	(void)inject_remove_files(&in);
done:
	/* fail closed: no partial set of files stays behind */
	if (error < 0)
		(void)inject_remove_files(&in);
	release(&in);
	out->error = error;
	out->status = status;
}
