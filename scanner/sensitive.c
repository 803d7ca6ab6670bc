/* SPDX-License-Identifier: MIT */
/*
 * sensitive.c - names of files and folders that must stay out of a build
 * context (see sensitive.h for the decisions), and the .dockerignore line
 * that keeps each one out. Table-driven: a kind table (what a report shows)
 * and a matcher table (how a name is recognised).
 */
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include "sensitive.h"

/* Indexes into sensitive_kinds; keep both in the same order. */
enum kind_index {
	K_ENV,
	K_SSH_KEY,
	K_PEM,
	K_PRIVATE_KEY,
	K_KEYSTORE,
	K_NPMRC,
	K_PYPIRC,
	K_NETRC,
	K_GIT_CREDENTIALS,
	K_AWS_CREDENTIALS,
	K_DOCKER_CONFIG,
	K_KUBECONFIG,
	K_TFSTATE,
	K_DB_PASSWORDS,
	K_CLOUD_CREDENTIALS,
	K_GIT_DIR,
	K_SSH_DIR,
	K_GNUPG_DIR,
	K_SECRETS_DIR,
	K_COUNT
};

const struct sensitive_kind sensitive_kinds[] = {
	[K_ENV] = { "context.sensitive.env", "environment file",
		RULE_SEV_HIGH,
		"dotenv files hold the passwords and API keys of an environment",
		false },
	[K_SSH_KEY] = { "context.sensitive.ssh_key", "SSH private key",
		RULE_SEV_CRITICAL,
		"an SSH private key (id_rsa, id_ed25519, PuTTY .ppk)", false },
	[K_PEM] = { "context.sensitive.pem",
		"PEM file that may hold a private key", RULE_SEV_HIGH,
		"a PEM file may hold a private key next to or instead of a "
		"certificate",
		false },
	[K_PRIVATE_KEY] = { "context.sensitive.private_key", "private key file",
		RULE_SEV_HIGH, "a private key (*.key, *.p8)", false },
	[K_KEYSTORE] = { "context.sensitive.keystore", "key store",
		RULE_SEV_HIGH,
		"a PKCS#12 or Java key store holds private keys (*.p12, *.pfx, "
		"*.jks, *.keystore)",
		false },
	[K_NPMRC] = { "context.sensitive.npmrc", "npm or yarn configuration",
		RULE_SEV_HIGH,
		".npmrc and .yarnrc.yml carry registry auth tokens", false },
	[K_PYPIRC] = { "context.sensitive.pypirc", "PyPI configuration",
		RULE_SEV_HIGH, ".pypirc carries package index passwords", false },
	[K_NETRC] = { "context.sensitive.netrc", "netrc file", RULE_SEV_HIGH,
		".netrc holds logins and passwords for hosts", false },
	[K_GIT_CREDENTIALS] = { "context.sensitive.git_credentials",
		"git credential store", RULE_SEV_HIGH,
		".git-credentials holds URLs with tokens in clear text", false },
	[K_AWS_CREDENTIALS] = { "context.sensitive.aws_credentials",
		"AWS credentials file", RULE_SEV_HIGH,
		".aws/credentials holds AWS access keys", false },
	[K_DOCKER_CONFIG] = { "context.sensitive.docker_config",
		"Docker client configuration", RULE_SEV_HIGH,
		".docker/config.json holds registry logins (auths)", false },
	[K_KUBECONFIG] = { "context.sensitive.kubeconfig", "kubeconfig",
		RULE_SEV_HIGH,
		"a kubeconfig holds cluster tokens and client keys", false },
	[K_TFSTATE] = { "context.sensitive.tfstate", "Terraform state",
		RULE_SEV_HIGH,
		"Terraform state stores every resource attribute, secrets "
		"included, in clear text",
		false },
	[K_DB_PASSWORDS] = { "context.sensitive.db_passwords",
		"database password file", RULE_SEV_HIGH,
		".pgpass and .my.cnf hold database passwords", false },
	[K_CLOUD_CREDENTIALS] = { "context.sensitive.cloud_credentials",
		"cloud credentials file", RULE_SEV_HIGH,
		"Google Cloud service account keys and OAuth client secrets",
		false },
	[K_GIT_DIR] = { "context.sensitive.git_dir", ".git folder",
		RULE_SEV_MEDIUM,
		"the whole history (deleted secrets included) and remote URLs "
		"with tokens",
		true },
	[K_SSH_DIR] = { "context.sensitive.ssh_dir", ".ssh folder",
		RULE_SEV_HIGH, "SSH keys, known hosts and client configuration",
		true },
	[K_GNUPG_DIR] = { "context.sensitive.gnupg_dir", ".gnupg folder",
		RULE_SEV_HIGH, "GnuPG private keys", true },
	[K_SECRETS_DIR] = { "context.sensitive.secrets_dir", "secrets folder",
		RULE_SEV_HIGH, "a folder named secrets holds secrets by its name",
		true },
};

const size_t sensitive_kinds_len = K_COUNT;

enum match_how {
	M_NAME,   /* the last part equals s */
	M_EXT,    /* the last part ends with s, case-insensitively */
	M_PREFIX_EXT, /* starts with s and ends with s2 ("service-account*.json") */
	M_TAIL,   /* the path is s or ends with "/" s (".aws/credentials") */
	M_DIR,    /* a folder whose name is s */
	M_ENV,    /* the .env rules of env_match */
};

/*
 * How names are recognised, in match order. suggest is the .dockerignore
 * line for every path this row matches; NULL means "**" "/" and the path's
 * last part (escaped), which keeps a .env variant's template siblings in.
 * sample is a name this row matches, for sensitive_match_glob (NULL: s).
 */
static const struct matcher {
	enum kind_index kind;
	enum match_how how;
	const char *s, *s2;
	const char *suggest;
	const char *sample;
} matchers[] = {
	{ K_ENV, M_ENV, NULL, NULL, NULL, ".env" },
	{ K_SSH_KEY, M_NAME, "id_rsa", NULL, NULL, NULL },
	{ K_SSH_KEY, M_NAME, "id_dsa", NULL, NULL, NULL },
	{ K_SSH_KEY, M_NAME, "id_ecdsa", NULL, NULL, NULL },
	{ K_SSH_KEY, M_NAME, "id_ed25519", NULL, NULL, NULL },
	{ K_SSH_KEY, M_NAME, "id_ecdsa_sk", NULL, NULL, NULL },
	{ K_SSH_KEY, M_NAME, "id_ed25519_sk", NULL, NULL, NULL },
	{ K_SSH_KEY, M_TAIL, ".ssh/identity", NULL, "**/.ssh/identity",
		NULL },
	{ K_SSH_KEY, M_EXT, ".ppk", NULL, "**/*.ppk", "deploy.ppk" },
	{ K_PEM, M_EXT, ".pem", NULL, "**/*.pem", "server.pem" },
	{ K_PRIVATE_KEY, M_EXT, ".key", NULL, "**/*.key", "server.key" },
	{ K_PRIVATE_KEY, M_EXT, ".p8", NULL, "**/*.p8", "AuthKey.p8" },
	{ K_KEYSTORE, M_EXT, ".p12", NULL, "**/*.p12", "client.p12" },
	{ K_KEYSTORE, M_EXT, ".pfx", NULL, "**/*.pfx", "client.pfx" },
	{ K_KEYSTORE, M_EXT, ".jks", NULL, "**/*.jks", "trust.jks" },
	{ K_KEYSTORE, M_EXT, ".keystore", NULL, "**/*.keystore",
		"release.keystore" },
	{ K_NPMRC, M_NAME, ".npmrc", NULL, NULL, NULL },
	{ K_NPMRC, M_NAME, ".yarnrc.yml", NULL, NULL, NULL },
	{ K_PYPIRC, M_NAME, ".pypirc", NULL, NULL, NULL },
	{ K_NETRC, M_NAME, ".netrc", NULL, NULL, NULL },
	{ K_NETRC, M_NAME, "_netrc", NULL, NULL, NULL },
	{ K_GIT_CREDENTIALS, M_NAME, ".git-credentials", NULL, NULL, NULL },
	{ K_AWS_CREDENTIALS, M_TAIL, ".aws/credentials", NULL,
		"**/.aws/credentials", NULL },
	{ K_DOCKER_CONFIG, M_TAIL, ".docker/config.json", NULL,
		"**/.docker/config.json", NULL },
	{ K_KUBECONFIG, M_TAIL, ".kube/config", NULL, "**/.kube/config", NULL },
	{ K_KUBECONFIG, M_NAME, "kubeconfig", NULL, NULL, NULL },
	{ K_KUBECONFIG, M_NAME, "kubeconfig.yaml", NULL, NULL, NULL },
	{ K_KUBECONFIG, M_NAME, "kubeconfig.yml", NULL, NULL, NULL },
	{ K_KUBECONFIG, M_EXT, ".kubeconfig", NULL, "**/*.kubeconfig",
		"prod.kubeconfig" },
	{ K_TFSTATE, M_EXT, ".tfstate", NULL, "**/*.tfstate",
		"terraform.tfstate" },
	{ K_TFSTATE, M_EXT, ".tfstate.backup", NULL, "**/*.tfstate.backup",
		"terraform.tfstate.backup" },
	{ K_DB_PASSWORDS, M_NAME, ".pgpass", NULL, NULL, NULL },
	{ K_DB_PASSWORDS, M_NAME, ".my.cnf", NULL, NULL, NULL },
	{ K_CLOUD_CREDENTIALS, M_NAME, "credentials.json", NULL, NULL, NULL },
	{ K_CLOUD_CREDENTIALS, M_NAME, "application_default_credentials.json",
		NULL, NULL, NULL },
	{ K_CLOUD_CREDENTIALS, M_PREFIX_EXT, "service-account", ".json", NULL,
		"service-account-key.json" },
	{ K_GIT_DIR, M_DIR, ".git", NULL, NULL, NULL },
	{ K_SSH_DIR, M_DIR, ".ssh", NULL, NULL, NULL },
	{ K_GNUPG_DIR, M_DIR, ".gnupg", NULL, NULL, NULL },
	{ K_SECRETS_DIR, M_DIR, "secrets", NULL, NULL, NULL },
	{ K_SECRETS_DIR, M_DIR, ".secrets", NULL, NULL, NULL },
};

#define NMATCHERS (sizeof(matchers) / sizeof(*matchers))

/* Extra sample names of the .env rules, for sensitive_match_glob. */
static const char *const env_samples[] = {
	".env", ".env.local", ".env.production", "prod.env", ".envrc",
};

/*
 * Names a glob aimed at sensitive files would not match. None starts with a
 * dot, so ".*" (every dotfile, .env included) still counts as aimed.
 */
static const char *const ordinary_names[] = {
	"README.md", "main.go", "index.js", "app.py", "package.json",
	"config.yaml", "docker-compose.yml", "settings.toml", "data.txt",
	"server.cnf", "db.backup", "Makefile", "a", "x.c",
};

#define NELEM(a) (sizeof(a) / sizeof(*(a)))

static const char *const template_words[] = {
	"example", "sample", "template", "tmpl", "tpl", "dist", "schema",
};

/* Whether name[0..len) has a '.', '-' or '_' separated template marker. */
static bool has_template_word(const char *name, size_t len)
{
	size_t i = 0, j, k;

	while (i < len) {
		j = i;
		while (j < len && name[j] != '.' && name[j] != '-' &&
			name[j] != '_')
			j++;
		for (k = 0; k < NELEM(template_words); k++)
			if (strlen(template_words[k]) == j - i &&
				strncasecmp(name + i, template_words[k], j - i) == 0)
				return true;
		i = j + 1;
	}
	return false;
}

/*
 * .env, .env.<x>, .env-<x>, .env_<x>, <x>.env and .envrc, without template
 * markers (see sensitive.h).
 */
static bool env_match(const char *base)
{
	size_t n = strlen(base);

	if (strcmp(base, ".envrc") == 0)
		return true;
	if (strncmp(base, ".env", 4) == 0 &&
		(n == 4 || base[4] == '.' || base[4] == '-' || base[4] == '_'))
		return !has_template_word(base + 4, n - 4);
	if (n > 4 && strcmp(base + n - 4, ".env") == 0)
		return !has_template_word(base, n - 4);
	return false;
}

static bool ext_match(const char *base, const char *ext)
{
	size_t n = strlen(base), e = strlen(ext);

	return n >= e && strcasecmp(base + n - e, ext) == 0;
}

static bool tail_match(const char *relpath, const char *tail)
{
	size_t n = strlen(relpath), t = strlen(tail);

	if (n == t)
		return strcmp(relpath, tail) == 0;
	return n > t && relpath[n - t - 1] == '/' &&
	       strcmp(relpath + n - t, tail) == 0;
}

static const char *last_part(const char *relpath)
{
	const char *slash = strrchr(relpath, '/');

	return slash ? slash + 1 : relpath;
}

static bool matcher_hit(const struct matcher *m, const char *relpath,
	const char *base, bool is_dir)
{
	if (sensitive_kinds[m->kind].is_dir != is_dir)
		return false;
	switch (m->how) {
	case M_NAME:
	case M_DIR:
		return strcmp(base, m->s) == 0;
	case M_EXT:
		return ext_match(base, m->s);
	case M_PREFIX_EXT:
		return strncmp(base, m->s, strlen(m->s)) == 0 &&
		       ext_match(base, m->s2);
	case M_TAIL:
		return tail_match(relpath, m->s);
	case M_ENV:
		return env_match(base);
	}
	return false;
}

static const struct matcher *find_matcher(const char *relpath, bool is_dir)
{
	const char *base = last_part(relpath);
	size_t i;

	if (!*base)
		return NULL;
	for (i = 0; i < NMATCHERS; i++)
		if (matcher_hit(&matchers[i], relpath, base, is_dir))
			return &matchers[i];
	return NULL;
}

const struct sensitive_kind *sensitive_match(const char *relpath, bool is_dir)
{
	const struct matcher *m = find_matcher(relpath, is_dir);

	return m ? &sensitive_kinds[m->kind] : NULL;
}

/* A folder kind whose name is name[0..len). */
static const struct sensitive_kind *dir_kind(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NMATCHERS; i++)
		if (matchers[i].how == M_DIR && strlen(matchers[i].s) == len &&
			strncmp(matchers[i].s, name, len) == 0)
			return &sensitive_kinds[matchers[i].kind];
	return NULL;
}

const struct sensitive_kind *sensitive_match_parent(const char *relpath,
	size_t *dir_len)
{
	const char *p = relpath, *slash;
	const struct sensitive_kind *k;

	while ((slash = strchr(p, '/')) != NULL) {
		k = dir_kind(p, (size_t)(slash - p));
		if (k) {
			if (dir_len)
				*dir_len = (size_t)(slash - relpath);
			return k;
		}
		p = slash + 1;
	}
	return NULL;
}

/* The number of '/'-separated parts of s. */
static size_t count_parts(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		if (*s == '/')
			n++;
	return n;
}

/* The start of the last n parts of s (all of s if it has fewer). */
static const char *last_parts(const char *s, size_t n)
{
	const char *p = s + strlen(s);

	while (p > s) {
		if (p[-1] == '/' && --n == 0)
			break;
		p--;
	}
	return p;
}

/* Whether the last parts of pattern match sample, part for part. */
static bool glob_hits(const char *pattern, const char *sample)
{
	size_t parts = count_parts(sample);

	if (count_parts(pattern) < parts)
		return false;
	return fnmatch(last_parts(pattern, parts), sample, FNM_PATHNAME) == 0;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

/* A folder kind among the literal folders above the glob part of pattern. */
static const struct sensitive_kind *literal_parent(const char *pattern)
{
	const char *p = pattern, *slash;
	const struct sensitive_kind *k;

	while ((slash = strchr(p, '/')) != NULL) {
		size_t n = (size_t)(slash - p);

		if (memchr(p, '*', n) || memchr(p, '?', n) || memchr(p, '[', n) ||
			memchr(p, '\\', n))
			return NULL;
		if ((k = dir_kind(p, n)) != NULL)
			return k;
		p = slash + 1;
	}
	return NULL;
}

const struct sensitive_kind *sensitive_match_glob(const char *pattern)
{
	const struct sensitive_kind *k;
	size_t i;

	if (!has_glob(pattern)) {
		k = sensitive_match(pattern, false);
		if (!k)
			k = sensitive_match(pattern, true);
		return k ? k : sensitive_match_parent(pattern, NULL);
	}
	/* the file kinds first: ".ssh/id_*" is about keys, then .ssh */
	for (i = 0; i < NELEM(ordinary_names); i++)
		if (glob_hits(pattern, ordinary_names[i]))
			return literal_parent(pattern);
	for (i = 0; i < NELEM(env_samples); i++)
		if (glob_hits(pattern, env_samples[i]))
			return &sensitive_kinds[K_ENV];
	for (i = 0; i < NMATCHERS; i++) {
		const struct matcher *m = &matchers[i];

		if (glob_hits(pattern, m->sample ? m->sample : m->s))
			return &sensitive_kinds[m->kind];
	}
	return literal_parent(pattern);
}

/*
 * Append name[0..len) to out as a literal .dockerignore pattern part: glob
 * characters escaped, characters a line cannot hold replaced by '?' (which
 * matches any one character but '/').
 */
static int put_literal(struct hush_buf *out, const char *name, size_t len)
{
	size_t i, keep = len;
	int error = 0;

	/* ignorefile.ReadAll trims blanks at both ends of a line */
	while (keep > 0 && (name[keep - 1] == ' ' || name[keep - 1] == '\t'))
		keep--;
	for (i = 0; i < len && error == 0; i++) {
		unsigned char c = (unsigned char)name[i];

		if (i >= keep || c < 0x20 || c == 0x7f)
			error = hush_buf_putc(out, '?');
		else if (strchr("*?[]\\", c))
			error = hush_buf_printf(out, "\\%c", c);
		else
			error = hush_buf_putc(out, (char)c);
	}
	return error;
}

int sensitive_suggest(struct hush_buf *out, const struct sensitive_kind *kind,
	const char *relpath)
{
	const struct matcher *m = NULL;
	const char *name = last_part(relpath);
	size_t i, name_len = strlen(name), dir_len;
	int error;

	/* the row that matched the path itself, for its fixed line */
	for (i = 0; i < NMATCHERS && !m; i++)
		if (&sensitive_kinds[matchers[i].kind] == kind &&
			matcher_hit(&matchers[i], relpath, name, kind->is_dir))
			m = &matchers[i];
	if (m && m->suggest)
		return hush_buf_puts(out, m->suggest);
	if (!m && kind->is_dir &&
		sensitive_match_parent(relpath, &dir_len) == kind) {
		/* a path below the folder: name the folder */
		name = relpath + dir_len;
		while (name > relpath && name[-1] != '/')
			name--;
		name_len = (size_t)(relpath + dir_len - name);
	}
	if ((error = hush_buf_puts(out, "**/")) < 0)
		return error;
	return put_literal(out, name, name_len);
}
