/* SPDX-License-Identifier: MIT */
/* env.c - the child's environment, minus bootstrap credentials; see env.h */
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "sopsref.h"
#include "vault.h"

bool env_is_bootstrap(const char *name, size_t len, char *const *extra,
	size_t nextra)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < nextra; i++)
		if (strlen(extra[i]) == len && memcmp(extra[i], name, len) == 0)
			return true;
	/* a name this long is nobody's credential variable */
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, name, len);
	buf[len] = '\0';
	/* the SOPS age key variables (hush-inject consumes them) and VAULT_* */
	return sops_env_is_bootstrap(buf) || vault_env_is_bootstrap(buf);
}

static bool is_added(const char *name, size_t len, const struct env_add *add,
	size_t nadd)
{
	size_t i;

	for (i = 0; i < nadd; i++)
		if (strlen(add[i].name) == len &&
		    memcmp(add[i].name, name, len) == 0)
			return true;
	return false;
}

/* Does parent entry e pass? (its name is the part before '=') */
static bool keep(const char *e, char *const *extra, size_t nextra,
	const struct env_add *add, size_t nadd)
{
	const char *eq = strchr(e, '=');
	size_t len;

	if (eq == NULL || eq == e)
		return false;
	len = (size_t)(eq - e);
	return !env_is_bootstrap(e, len, extra, nextra) &&
		!is_added(e, len, add, nadd);
}

static int too_big(void)
{
	return hush_err_set(HUSH_ELIMIT,
		"the child's environment would exceed %u bytes or %u variables "
		"(HUSH_MAX_CHILD_ENV, HUSH_MAX_CHILD_ENV_VARS)",
		(unsigned)HUSH_MAX_CHILD_ENV, (unsigned)HUSH_MAX_CHILD_ENV_VARS);
}

int env_build(struct child_env *out, char *const *parent,
	char *const *extra, size_t nextra, const struct env_add *add,
	size_t nadd)
{
	size_t i, n = 0, bytes = 0, off = 0, len;
	char *p;
	int error;

	memset(out, 0, sizeof(*out));
	/* first pass: count and size, with every limit checked */
	for (i = 0; parent != NULL && parent[i] != NULL; i++) {
		if (!keep(parent[i], extra, nextra, add, nadd))
			continue;
		len = strlen(parent[i]) + 1;
		if (n + 1 > HUSH_MAX_CHILD_ENV_VARS ||
		    len > HUSH_MAX_CHILD_ENV - bytes)
			return too_big();
		n++;
		bytes += len;
	}
	for (i = 0; i < nadd; i++) {
		if (memchr(add[i].value, '\0', add[i].len) != NULL)
			return hush_err_set(HUSH_EUSAGE,
				"%s: the value holds a NUL byte and cannot go "
				"into the environment", add[i].name);
		len = strlen(add[i].name) + 1 + add[i].len + 1;
		if (n + 1 > HUSH_MAX_CHILD_ENV_VARS ||
		    add[i].len > HUSH_MAX_CHILD_ENV ||
		    len > HUSH_MAX_CHILD_ENV - bytes)
			return too_big();
		n++;
		bytes += len;
	}
	if ((error = secret_new(&out->mem, bytes)) < 0)
		return error;
	out->vec = calloc(n + 1, sizeof(*out->vec));
	if (out->vec == NULL) {
		env_dispose(out);
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	}
	p = (char *)out->mem->data;
	for (i = 0; parent != NULL && parent[i] != NULL; i++) {
		if (!keep(parent[i], extra, nextra, add, nadd))
			continue;
		len = strlen(parent[i]) + 1;
		memcpy(p + off, parent[i], len);
		out->vec[out->n++] = p + off;
		off += len;
	}
	for (i = 0; i < nadd; i++) {
		len = strlen(add[i].name);
		out->vec[out->n++] = p + off;
		memcpy(p + off, add[i].name, len);
		p[off + len] = '=';
		if (add[i].len > 0)
			memcpy(p + off + len + 1, add[i].value, add[i].len);
		p[off + len + 1 + add[i].len] = '\0';
		off += len + 1 + add[i].len + 1;
	}
	out->mem->len = off;
	return 0;
}

const char *env_get(char *const *vec, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; vec != NULL && vec[i] != NULL; i++)
		if (strncmp(vec[i], name, len) == 0 && vec[i][len] == '=')
			return vec[i] + len + 1;
	return NULL;
}

bool env_wipe(char *const *envp, const char *name)
{
	size_t i, len = strlen(name);
	bool found = false;

	for (i = 0; envp != NULL && envp[i] != NULL; i++) {
		if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=') {
			seal_wipe(envp[i] + len + 1, strlen(envp[i] + len + 1));
			found = true;
		}
	}
	return found;
}

void env_dispose(struct child_env *env)
{
	free(env->vec);
	secret_free(env->mem);
	memset(env, 0, sizeof(*env));
}
