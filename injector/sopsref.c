/* SPDX-License-Identifier: MIT */
/*
 * sopsref.c - age identities from where sops looks for them, and sops:
 * references read into secret memory. Variables come only from the envp
 * given; SOPS_AGE_KEY_CMD runs through fork and execve of /bin/sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "sopsref.h"

#define ENV_KEY "SOPS_AGE_KEY"
#define ENV_KEY_FILE "SOPS_AGE_KEY_FILE"
#define ENV_KEY_CMD "SOPS_AGE_KEY_CMD"
#define ENV_SSH_FILE "SOPS_AGE_SSH_PRIVATE_KEY_FILE"
#define ENV_SSH_CMD "SOPS_AGE_SSH_PRIVATE_KEY_CMD"
#define DEFAULT_REL "sops/age/keys.txt"
#define NOTES_MAX 2048u /* the "looked in" part of the error line */

static const char *const bootstrap_vars[] = { ENV_KEY, ENV_KEY_FILE,
	ENV_KEY_CMD, ENV_SSH_FILE, ENV_SSH_CMD, NULL };

bool sops_env_is_bootstrap(const char *name)
{
	const char *const *v;
	size_t len;

	if (name == NULL)
		return false;
	len = strcspn(name, "=");
	for (v = bootstrap_vars; *v != NULL; v++) {
		if (strlen(*v) == len && memcmp(*v, name, len) == 0)
			return true;
	}
	return false;
}

static const char *env_get(char *const *envp, const char *name)
{
	size_t len = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++) {
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	}
	return NULL;
}

/* ---- reading ---- */

/*
 * Read a regular file (symlinks followed) of at most limit bytes into
 * secret memory. Messages name `what` (the path or its variable).
 */
static int read_file_secret(struct secret **out, const char *path,
	size_t limit, const char *what)
{
	struct stat st;
	unsigned char chunk[4096];
	ssize_t n;
	int fd, error = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return hush_err_set_errno(errno == ENOENT ? HUSH_ENOTFOUND :
							    HUSH_EIO,
			"%s: cannot open", what);
	if (fstat(fd, &st) != 0) {
		error = hush_err_set_errno(HUSH_EIO, "%s: cannot stat", what);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = hush_err_set(HUSH_EIO, "%s: not a regular file", what);
		goto done;
	}
	if ((unsigned long long)st.st_size > limit) {
		error = hush_err_set(HUSH_ELIMIT,
			"%s: larger than %zu bytes", what, limit);
		goto done;
	}
	if ((error = secret_new(out, (size_t)st.st_size + 1)) < 0)
		goto done;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = hush_err_set_errno(HUSH_EIO, "%s: read error",
				what);
			break;
		}
		if (n == 0)
			break;
		if ((error = secret_append(out, chunk, (size_t)n, limit)) < 0) {
			hush_err_set(error, "%s: larger than %zu bytes", what,
				limit);
			break;
		}
	}
done:
	seal_wipe(chunk, sizeof(chunk));
	if (error < 0) {
		secret_free(*out);
		*out = NULL;
	}
	close(fd);
	return error;
}

/* Run cmd with /bin/sh -c; its stdout into secret memory. */
static int run_key_cmd(struct secret **out, const char *cmd,
	char *const *envp)
{
	unsigned char chunk[4096];
	char *argv[4];
	int fds[2], devnull, status = 0, error = 0;
	ssize_t n;
	pid_t pid, w;

	*out = NULL;
	if (pipe(fds) != 0)
		return hush_err_set_errno(HUSH_EIO, ENV_KEY_CMD ": pipe");
	if (fcntl(fds[0], F_SETFD, FD_CLOEXEC) != 0 ||
	    fcntl(fds[1], F_SETFD, FD_CLOEXEC) != 0) {
		close(fds[0]);
		close(fds[1]);
		return hush_err_set_errno(HUSH_EIO, ENV_KEY_CMD ": fcntl");
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return hush_err_set_errno(HUSH_EIO, ENV_KEY_CMD ": fork");
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(fds[1], 1) < 0)
			_exit(127);
		argv[0] = (char *)"sh";
		argv[1] = (char *)"-c";
		argv[2] = (char *)(uintptr_t)cmd;
		argv[3] = NULL;
		execve("/bin/sh", argv, envp);
		_exit(127);
	}
	close(fds[1]);
	if ((error = secret_new(out, 256)) < 0)
		goto done;
	for (;;) {
		n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = hush_err_set_errno(HUSH_EIO,
				ENV_KEY_CMD ": reading its output");
			break;
		}
		if (n == 0)
			break;
		if ((error = secret_append(out, chunk, (size_t)n,
			     HUSH_MAX_SOPS_KEY_CMD_OUTPUT)) < 0) {
			hush_err_set(error, ENV_KEY_CMD ": output larger than "
				"%u bytes (HUSH_MAX_SOPS_KEY_CMD_OUTPUT)",
				(unsigned)HUSH_MAX_SOPS_KEY_CMD_OUTPUT);
			kill(pid, SIGKILL);
			break;
		}
	}
done:
	close(fds[0]);
	do {
		w = waitpid(pid, &status, 0);
	} while (w < 0 && errno == EINTR);
	if (error == 0 && w < 0)
		error = hush_err_set_errno(HUSH_EIO, ENV_KEY_CMD ": waitpid");
	else if (error == 0 && WIFSIGNALED(status))
		error = hush_err_set(HUSH_EIO,
			ENV_KEY_CMD ": the command was killed by signal %d",
			WTERMSIG(status));
	else if (error == 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0)
		error = hush_err_set(HUSH_EIO,
			ENV_KEY_CMD ": the command exited with status %d",
			WEXITSTATUS(status));
	seal_wipe(chunk, sizeof(chunk));
	if (error < 0) {
		secret_free(*out);
		*out = NULL;
	}
	return error;
}

/* ---- the sources ---- */

struct keyload {
	struct secret *all;    /* every usable source, one identity a line */
	char notes[NOTES_MAX]; /* "where (why)" for the final error */
	size_t notes_len;
	char skipped[NOTES_MAX]; /* the sources that failed, for a warning */
	size_t skipped_len;
	bool quiet;
	size_t sources;        /* sources that gave identities */
};

static void note_to(char *buf, size_t cap, size_t *len, const char *where,
	const char *why)
{
	int n;

	if (*len >= cap)
		return;
	n = snprintf(buf + *len, cap - *len, "%s%s (%s)", *len > 0 ? ", " : "",
		where, why);
	if (n < 0)
		return;
	*len += (size_t)n;
	if (*len >= cap)
		*len = cap - 1;
}

static void note(struct keyload *k, const char *where, const char *why)
{
	note_to(k->notes, sizeof(k->notes), &k->notes_len, where, why);
}

/* A source that failed: in the error, and in a warning if others work. */
static void skip(struct keyload *k, const char *where, const char *why)
{
	note(k, where, why);
	note_to(k->skipped, sizeof(k->skipped), &k->skipped_len, where, why);
}

/* Has a line that is neither empty nor a comment. */
static bool has_key_line(const struct secret *s)
{
	size_t i = 0, start;

	while (i < s->len) {
		start = i;
		while (i < s->len && s->data[i] != '\n')
			i++;
		if (i > start && s->data[start] != '#' &&
		    !(i - start == 1 && s->data[start] == '\r'))
			return true;
		i++;
	}
	return false;
}

static bool is_encrypted_keys(const struct secret *s)
{
	return (s->len >= 14 && memcmp(s->data, "age-encryption", 14) == 0) ||
		(s->len >= 14 && memcmp(s->data, "-----BEGIN AGE", 14) == 0);
}

/*
 * Check one source on its own, as sops does, then add it to the set; a
 * source that fails is skipped with a warning. Returns only ENOMEM.
 */
static int add_source(struct keyload *k, const char *where,
	const struct secret *text)
{
	struct age_identities *ids = NULL;
	char msg[256];
	int error;

	if (is_encrypted_keys(text)) {
		skip(k, where, "passphrase-protected, not supported");
		return 0;
	}
	if (!has_key_line(text)) {
		note(k, where, "no keys");
		return 0;
	}
	error = age_identities_parse(&ids, (const char *)text->data,
		text->len);
	age_identities_free(ids);
	if (error == HUSH_ENOMEM)
		return error;
	if (error < 0) {
		if (snprintf(msg, sizeof(msg), "%s", hush_err_msg()) < 0)
			msg[0] = '\0';
		skip(k, where, msg);
		return 0;
	}
	if ((error = secret_append(&k->all, text->data, text->len,
		     HUSH_MAX_AGE_KEYS_FILE)) < 0 ||
	    (error = secret_append(&k->all, "\n", 1,
		     HUSH_MAX_AGE_KEYS_FILE)) < 0) {
		if (error == HUSH_ENOMEM)
			return error;
		skip(k, where, "too many keys in all");
		return 0;
	}
	k->sources++;
	return 0;
}

/* A failed read: missing is "unused", anything else a skipped source. */
static int source_failed(struct keyload *k, const char *where, int error,
	bool warn_missing)
{
	char msg[256];

	if (error == HUSH_ENOMEM)
		return error;
	if (error == HUSH_ENOTFOUND && !warn_missing) {
		note(k, where, "not found");
		return 0;
	}
	if (snprintf(msg, sizeof(msg), "%s", hush_err_msg()) < 0)
		msg[0] = '\0';
	skip(k, where, msg);
	return 0;
}

/* SOPS_AGE_KEY: every whitespace-separated word of a key line. */
static int words_to_lines(struct secret **out, const char *v)
{
	const char *p = v, *line_end, *w;
	size_t wl;
	int error = 0;

	*out = NULL;
	if ((error = secret_new(out, strlen(v) + 2)) < 0)
		return error;
	while (*p != '\0') {
		line_end = strchr(p, '\n');
		if (line_end == NULL)
			line_end = p + strlen(p);
		if (p < line_end && *p != '#') {
			for (w = p; w < line_end;) {
				while (w < line_end && strchr(" \t\r\v\f", *w))
					w++;
				wl = 0;
				while (w + wl < line_end &&
				       strchr(" \t\r\v\f", w[wl]) == NULL)
					wl++;
				if (wl > 0 &&
				    ((error = secret_append(out, w, wl,
					      HUSH_MAX_AGE_KEYS_FILE)) < 0 ||
				     (error = secret_append(out, "\n", 1,
					      HUSH_MAX_AGE_KEYS_FILE)) < 0))
					goto done;
				w += wl;
			}
		}
		p = *line_end == '\n' ? line_end + 1 : line_end;
	}
done:
	if (error < 0) {
		secret_free(*out);
		*out = NULL;
	}
	return error;
}

int sops_keys_load(struct age_identities **out, char *const *envp,
	unsigned flags)
{
	struct keyload k;
	struct secret *text = NULL;
	const char *v, *xdg, *home;
	char path[4096];
	int error = 0, n;

	*out = NULL;
	if (flags & ~SOPS_KEYS_QUIET)
		return hush_err_set(HUSH_EUSAGE, "sops keys: unknown flags");
	memset(&k, 0, sizeof(k));
	k.quiet = (flags & SOPS_KEYS_QUIET) != 0;
	if (env_get(envp, ENV_SSH_FILE) != NULL)
		skip(&k, ENV_SSH_FILE, "SSH identities are not supported");
	if (env_get(envp, ENV_SSH_CMD) != NULL)
		skip(&k, ENV_SSH_CMD, "SSH identities are not supported");
	/* SOPS_AGE_KEY */
	v = env_get(envp, ENV_KEY);
	if (v == NULL) {
		note(&k, ENV_KEY, "unset");
	} else {
		if ((error = words_to_lines(&text, v)) < 0)
			goto done;
		error = add_source(&k, ENV_KEY, text);
		secret_free(text);
		text = NULL;
		if (error < 0)
			goto done;
	}
	/* SOPS_AGE_KEY_FILE */
	v = env_get(envp, ENV_KEY_FILE);
	if (v == NULL) {
		note(&k, ENV_KEY_FILE, "unset");
	} else {
		n = snprintf(path, sizeof(path), ENV_KEY_FILE " %s", v);
		if (n < 0 || (size_t)n >= sizeof(path))
			memcpy(path, ENV_KEY_FILE, sizeof(ENV_KEY_FILE));
		error = read_file_secret(&text, v, HUSH_MAX_AGE_KEYS_FILE,
			path);
		if (error == 0)
			error = add_source(&k, path, text);
		else
			error = source_failed(&k, path, error, true);
		secret_free(text);
		text = NULL;
		if (error < 0)
			goto done;
	}
	/* SOPS_AGE_KEY_CMD */
	v = env_get(envp, ENV_KEY_CMD);
	if (v == NULL) {
		note(&k, ENV_KEY_CMD, "unset");
	} else {
		error = run_key_cmd(&text, v, envp);
		if (error == 0)
			error = add_source(&k, ENV_KEY_CMD, text);
		else
			error = source_failed(&k, ENV_KEY_CMD, error, true);
		secret_free(text);
		text = NULL;
		if (error < 0)
			goto done;
	}
	/* the default file */
	xdg = env_get(envp, "XDG_CONFIG_HOME");
	home = env_get(envp, "HOME");
	n = -1;
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(path, sizeof(path), "%s/" DEFAULT_REL, xdg);
	else if (xdg != NULL && xdg[0] != '\0')
		note(&k, "XDG_CONFIG_HOME", "not an absolute path");
	else if (home != NULL && home[0] != '\0')
		n = snprintf(path, sizeof(path), "%s/.config/" DEFAULT_REL,
			home);
	else
		note(&k, "the default keys file", "neither XDG_CONFIG_HOME nor "
			"HOME is set");
	if (n >= 0 && (size_t)n >= sizeof(path)) {
		note(&k, "the default keys file", "path too long");
	} else if (n >= 0) {
		error = read_file_secret(&text, path, HUSH_MAX_AGE_KEYS_FILE,
			path);
		if (error == 0)
			error = add_source(&k, path, text);
		else
			error = source_failed(&k, path, error, false);
		secret_free(text);
		text = NULL;
		if (error < 0)
			goto done;
	}
	if (k.sources == 0) {
		error = hush_err_set(HUSH_ENOTFOUND,
			"sops: failed to load age identities; looked in: %s",
			k.notes);
		goto done;
	}
	if (k.skipped_len > 0 && !k.quiet)
		hush_log_warn("sops: age key sources skipped: %s", k.skipped);
	error = age_identities_parse(out, (const char *)k.all->data,
		k.all->len);
done:
	secret_free(text);
	secret_free(k.all);
	seal_wipe(&k, sizeof(k));
	return error;
}

/* ---- sops: references ---- */

/* One value as bytes (see sopsref.h). */
static int value_bytes(struct secret **out, const struct sops_node *n)
{
	const char *t = NULL;
	int error;

	*out = NULL;
	switch (n->kind) {
	case SOPS_MAP:
	case SOPS_LIST:
		return sops_render_node_json(out, n);
	case SOPS_NULL:
		return secret_new(out, 1);
	case SOPS_BOOL:
		t = n->value->len == 4 ? "true" : "false";
		break;
	default:
		break;
	}
	if (t != NULL)
		return secret_append(out, t, strlen(t), 8);
	if ((error = secret_new(out, n->value->len + 1)) < 0)
		return error;
	memcpy((*out)->data, n->value->data, n->value->len);
	(*out)->len = n->value->len;
	return 0;
}

int sops_ref_read(struct secret **out, const char *ref,
	const struct age_identities *ids, unsigned flags)
{
	struct secret *raw = NULL;
	struct sops_file *f = NULL;
	struct sops_tree *t = NULL;
	const struct sops_node *n;
	const char *hash = strchr(ref, '#'), *path = NULL;
	char *file = NULL;
	size_t flen = hash != NULL ? (size_t)(hash - ref) : strlen(ref);
	char msg[512];
	int error;

	*out = NULL;
	if (flen == 0)
		return hush_err_set(HUSH_EUSAGE,
			"sops:%s: no file name in the reference", ref);
	if (hash != NULL) {
		path = hash + 1;
		if (*path == '\0')
			return hush_err_set(HUSH_EUSAGE,
				"sops:%s: empty key path after '#'", ref);
	}
	file = malloc(flen + 1);
	if (file == NULL)
		return hush_err_set(HUSH_ENOMEM, "sops: out of memory");
	memcpy(file, ref, flen);
	file[flen] = '\0';
	if ((error = read_file_secret(&raw, file, HUSH_MAX_SOPS_FILE,
		     file)) < 0)
		goto done;
	if ((error = sops_load(&f, file, raw->data, raw->len,
		     SOPS_FORMAT_AUTO)) < 0 ||
	    (error = sops_decrypt(&t, f, ids, flags & SOPS_IGNORE_MAC)) < 0)
		goto done;
	if (!sops_tree_mac_ok(t))
		hush_log_warn("%s: the MAC did not verify; decrypted anyway "
			"because the MAC check is off", file);
	if (path == NULL) {
		error = sops_render(out, t);
	} else {
		error = sops_tree_lookup(&n, t, path);
		if (error == 0)
			error = value_bytes(out, n);
	}
	if (error < 0) {
		if (snprintf(msg, sizeof(msg), "%s", hush_err_msg()) < 0)
			msg[0] = '\0';
		hush_err_set(error, "%s: %s", file, msg);
	}
done:
	sops_tree_free(t);
	sops_file_free(f);
	secret_free(raw);
	free(file);
	return error;
}
