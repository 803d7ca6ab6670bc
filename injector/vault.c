/* SPDX-License-Identifier: MIT */
/*
 * vault.c - the Vault client of hush-inject (spec: vault-api.md).
 *
 * Configuration follows the official Go client: the VAULT_* variables with
 * their precedence (12.4), empty values as unset, strict booleans (12.2),
 * unix:// addresses (12.3); the --vault-* options win over the variables.
 * Requests go through http.c and are retried as the Go client does (11):
 * on transport errors, 412, 429 and 5xx but 501, waiting Retry-After on
 * 429 and 503, else attempt x [1, 1.5) s, within the client timeout.
 *
 * Secrets (tokens, secret ids, JWTs, values) live only in struct secret
 * memory; request bodies that carry them are built there; messages name
 * the address and the path, never a value.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "http.h"
#include "payload.h"
#include "seal.h"
#include "vault.h"
#include "vault_priv.h"

#define VAULT_DEFAULT_ADDR "https://127.0.0.1:8200"
#define VAULT_DEFAULT_RETRIES 2L
#define VAULT_DEFAULT_TIMEOUT_MS 60000LL
#define VAULT_K8S_JWT "/var/run/secrets/kubernetes.io/serviceaccount/token"
/* mounts remembered from sys/internal/ui/mounts during one run */
#define VAULT_MOUNT_CACHE 16u

enum vault_auth {
	AUTH_TOKEN,
	AUTH_APPROLE,
	AUTH_KUBERNETES,
	AUTH_JWT,
};

static const char *const auth_names[] = { "token", "approle", "kubernetes",
	"jwt" };

struct vault_options {
	enum vault_auth auth;
	char *auth_mount;
	char *role;
	char *token_file;
	char *role_id;
	char *role_id_file;
	char *secret_id_file;
	char *jwt_file;
	char *addr;
	char *namespace_;
	int secret_id_wrapped; /* -1 unset */
	long max_retries;      /* -1 unset */
	long long timeout_ms;  /* -1 unset */
};

struct mount_entry {
	char path[256];        /* "secret/", relative to the namespace */
	unsigned kv;           /* 0 (not KV), 1 or 2 */
};

struct vault {
	char addr[512];        /* for messages: no user:password@ */
	char *base;            /* URL prefix before "/v1/" */
	char *unix_socket;
	char *namespace_;
	char *proxy;
	char *no_proxy;
	char *ca_file, *ca_path, *cert_file, *key_file, *server_name;
	struct secret *ca_pem;
	struct http_tls tls;
	bool use_tls;
	bool redirects;
	long max_retries;
	long long timeout_ms;
	double rate;           /* VAULT_RATE_LIMIT; 0: off */
	double burst;
	double bucket;
	long long bucket_at;

	/* login */
	enum vault_auth auth;
	char *mount;           /* auth mount, without "auth/" */
	char *role;
	char *jwt_file;
	struct secret *role_id;
	struct secret *secret_id;

	struct secret *token;
	long token_ttl;        /* seconds at token_at; 0: does not expire */
	long token_ttl0;       /* TTL of the first login */
	bool token_renewable;
	long long token_at;    /* monotonic ms */

	struct mount_entry mounts[VAULT_MOUNT_CACHE];
	size_t n_mounts;
	unsigned long long rng;
};

/* ---------------------------------------------------------------- pure */

int vault__parse_bool(bool *out, const char *s)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true",
		"True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false",
		"False" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return HUSH_EUSAGE;
}

int vault__parse_duration_ms(long long *out, const char *s)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = { { "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 },
		{ "ms", 1.0 }, { "s", 1e3 }, { "m", 6e4 }, { "h", 3.6e6 } };
	const char *p = s;
	double total = 0, v, frac;
	size_t i, best, n;
	bool digits;

	if (*s == '\0')
		return HUSH_EUSAGE;
	/* all digits: seconds */
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (*p == '\0') {
		if (p - s > 12)
			return HUSH_EUSAGE;
		*out = strtoll(s, NULL, 10) * 1000;
		return 0;
	}
	p = s;
	if (*p == '+')
		p++;
	if (*p == '\0')
		return HUSH_EUSAGE;
	if (strcmp(p, "0") == 0) {
		*out = 0;
		return 0;
	}
	while (*p != '\0') {
		v = 0;
		digits = false;
		for (; isdigit((unsigned char)*p); p++) {
			v = v * 10 + (*p - '0');
			digits = true;
		}
		if (*p == '.') {
			p++;
			for (frac = 0.1; isdigit((unsigned char)*p); p++) {
				v += (*p - '0') * frac;
				frac /= 10;
				digits = true;
			}
		}
		if (!digits)
			return HUSH_EUSAGE;
		best = sizeof(units) / sizeof(*units);
		for (i = 0; i < sizeof(units) / sizeof(*units); i++) {
			n = strlen(units[i].unit);
			if (strncmp(p, units[i].unit, n) == 0 &&
			    (best == sizeof(units) / sizeof(*units) ||
			     n > strlen(units[best].unit)))
				best = i;
		}
		if (best == sizeof(units) / sizeof(*units))
			return HUSH_EUSAGE;
		total += v * units[best].ms;
		p += strlen(units[best].unit);
		if (total > 1e15)
			return HUSH_EUSAGE;
	}
	*out = (long long)total;
	return 0;
}

const char *vault__env(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp != NULL && *envp != NULL; envp++) {
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return (*envp)[n + 1] != '\0' ? *envp + n + 1 : NULL;
	}
	return NULL;
}

const char *vault__pick_addr(const char *opt, char *const *envp,
	const char **from_out)
{
	const char *v;

	if (opt != NULL && opt[0] != '\0') {
		*from_out = "--vault-addr";
		return opt;
	}
	if ((v = vault__env(envp, "VAULT_AGENT_ADDR")) != NULL) {
		*from_out = "VAULT_AGENT_ADDR";
		return v;
	}
	if ((v = vault__env(envp, "VAULT_ADDR")) != NULL) {
		*from_out = "VAULT_ADDR";
		return v;
	}
	*from_out = "the default address";
	return VAULT_DEFAULT_ADDR;
}

int vault__parse_ref(struct vault_ref *out, const char *ref)
{
	const char *q, *h, *end, *seg, *p;
	size_t plen, n;
	long long ver = 0;

	memset(out, 0, sizeof(*out));
	h = strchr(ref, '#');
	q = strchr(ref, '?');
	if (q != NULL && h != NULL && q > h)
		q = NULL; /* a '?' inside the field name */
	end = q != NULL ? q : (h != NULL ? h : ref + strlen(ref));
	plen = (size_t)(end - ref);
	if (plen == 0)
		return hush_err_set(HUSH_EUSAGE, "vault:%s: no path", ref);
	if (plen >= sizeof(out->path))
		return hush_err_set(HUSH_ELIMIT,
			"vault ref: path longer than %zu bytes",
			sizeof(out->path) - 1);
	memcpy(out->path, ref, plen);
	out->path[plen] = '\0';
	for (p = out->path; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return hush_err_set(HUSH_EUSAGE,
				"vault:%s: control character in the path",
				out->path);
	}
	/* segments: none empty, none "." or ".." (a trailing '/' is kept) */
	for (seg = out->path; *seg != '\0';) {
		p = strchr(seg, '/');
		n = p != NULL ? (size_t)(p - seg) : strlen(seg);
		if ((n == 0 && !(p != NULL && p[1] == '\0' && seg != out->path)) ||
		    (n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return hush_err_set(HUSH_EUSAGE,
				"vault:%s: bad path (empty, \".\" or \"..\" "
				"segment, or a leading '/')", out->path);
		if (p == NULL)
			break;
		seg = p + 1;
	}
	if (q != NULL) {
		const char *qend = h != NULL ? h : q + strlen(q);

		if (strncmp(q, "?version=", 9) != 0 || q + 9 == qend)
			return hush_err_set(HUSH_EUSAGE,
				"vault:%s: the only query is ?version=N",
				out->path);
		for (p = q + 9; p < qend; p++) {
			if (!isdigit((unsigned char)*p) || ver > 100000000000LL)
				return hush_err_set(HUSH_EUSAGE,
					"vault:%s: version is not a number",
					out->path);
			ver = ver * 10 + (*p - '0');
		}
		out->version = (long)ver;
		out->has_version = true;
	}
	if (h != NULL) {
		n = strlen(h + 1);
		if (n == 0)
			return hush_err_set(HUSH_EUSAGE,
				"vault:%s: empty field name after '#'",
				out->path);
		if (n >= sizeof(out->field))
			return hush_err_set(HUSH_ELIMIT,
				"vault:%s: field name longer than %zu bytes",
				out->path, sizeof(out->field) - 1);
		memcpy(out->field, h + 1, n + 1);
	}
	return 0;
}

int vault__kv2_path(char *out, size_t cap, const char *path,
	const char *mount)
{
	size_t m = strlen(mount);
	const char *rest;
	int n;

	while (m > 0 && mount[m - 1] == '/')
		m--;
	if (strncmp(path, mount, m) == 0 && (path[m] == '/' ||
					    path[m] == '\0')) {
		rest = path[m] == '/' ? path + m + 1 : path + m;
		n = snprintf(out, cap, "%.*s/data/%s", (int)m, mount, rest);
	} else {
		n = snprintf(out, cap, "%s", path);
	}
	if (n < 0 || (size_t)n >= cap)
		return hush_err_set(HUSH_ELIMIT,
			"vault:%s: KV v2 path longer than %zu bytes", path,
			cap - 1);
	return 0;
}

/* -------------------------------------------------------------- options */

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

static void free_str(char *s)
{
	if (s != NULL)
		seal_wipe(s, strlen(s));
	free(s);
}

int vault_options_new(struct vault_options **out)
{
	struct vault_options *o = calloc(1, sizeof(*o));

	*out = NULL;
	if (o == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	o->auth = AUTH_TOKEN;
	o->secret_id_wrapped = -1;
	o->max_retries = -1;
	o->timeout_ms = -1;
	*out = o;
	return 0;
}

void vault_options_free(struct vault_options *o)
{
	if (o == NULL)
		return;
	free_str(o->auth_mount);
	free_str(o->role);
	free_str(o->token_file);
	free_str(o->role_id);
	free_str(o->role_id_file);
	free_str(o->secret_id_file);
	free_str(o->jwt_file);
	free_str(o->addr);
	free_str(o->namespace_);
	free(o);
}

static int set_str(char **slot, const char *name, const char *value)
{
	char *p;

	if (value[0] == '\0')
		return hush_err_set(HUSH_EUSAGE, "--vault-%s: empty value",
			name);
	if (strlen(value) > HUSH_MAX_VAULT_PATH)
		return hush_err_set(HUSH_EUSAGE,
			"--vault-%s: longer than %u bytes", name,
			(unsigned)HUSH_MAX_VAULT_PATH);
	if ((p = dup_str(value)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	free_str(*slot);
	*slot = p;
	return 0;
}

static int parse_retries(long *out, const char *value, const char *what)
{
	const char *p;
	long n = 0;

	if (*value == '\0')
		return hush_err_set(HUSH_EUSAGE, "%s: empty value", what);
	for (p = value; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return hush_err_set(HUSH_EUSAGE,
				"%s: not a number of retries: '%s'", what,
				value);
		n = n * 10 + (*p - '0');
		if (n > (long)HUSH_MAX_VAULT_RETRIES)
			return hush_err_set(HUSH_EUSAGE,
				"%s: more than %u retries "
				"(HUSH_MAX_VAULT_RETRIES)", what,
				(unsigned)HUSH_MAX_VAULT_RETRIES);
	}
	*out = n;
	return 0;
}

int vault_options_set(struct vault_options *o, const char *name,
	const char *value)
{
	bool b;
	size_t i;

	if (strcmp(name, "auth") == 0) {
		for (i = 0; i < sizeof(auth_names) / sizeof(*auth_names); i++) {
			if (strcmp(value, auth_names[i]) == 0) {
				o->auth = (enum vault_auth)i;
				return 0;
			}
		}
		return hush_err_set(HUSH_EUSAGE,
			"--vault-auth: unknown method '%s' (token, approle, "
			"kubernetes or jwt)", value);
	}
	if (strcmp(name, "auth-mount") == 0) {
		/* "approle", "auth/approle" and "auth/approle/" alike */
		if (strncmp(value, "auth/", 5) == 0)
			value += 5;
		if (value[0] == '\0' || value[0] == '/' ||
		    strstr(value, "//") != NULL || strstr(value, "..") != NULL ||
		    strchr(value, '?') != NULL || strchr(value, '#') != NULL)
			return hush_err_set(HUSH_EUSAGE,
				"--vault-auth-mount: bad mount path '%s'", value);
		if (set_str(&o->auth_mount, name, value) < 0)
			return HUSH_EUSAGE;
		i = strlen(o->auth_mount);
		while (i > 0 && o->auth_mount[i - 1] == '/')
			o->auth_mount[--i] = '\0';
		return 0;
	}
	if (strcmp(name, "role") == 0)
		return set_str(&o->role, name, value);
	if (strcmp(name, "token-file") == 0)
		return set_str(&o->token_file, name, value);
	if (strcmp(name, "role-id") == 0)
		return set_str(&o->role_id, name, value);
	if (strcmp(name, "role-id-file") == 0)
		return set_str(&o->role_id_file, name, value);
	if (strcmp(name, "secret-id-file") == 0)
		return set_str(&o->secret_id_file, name, value);
	if (strcmp(name, "jwt-file") == 0)
		return set_str(&o->jwt_file, name, value);
	if (strcmp(name, "addr") == 0)
		return set_str(&o->addr, name, value);
	if (strcmp(name, "namespace") == 0)
		return set_str(&o->namespace_, name, value);
	if (strcmp(name, "secret-id-wrapped") == 0) {
		if (vault__parse_bool(&b, value) < 0)
			return hush_err_set(HUSH_EUSAGE,
				"--vault-secret-id-wrapped: not a boolean: "
				"'%s' (true or false)", value);
		o->secret_id_wrapped = b;
		return 0;
	}
	if (strcmp(name, "max-retries") == 0)
		return parse_retries(&o->max_retries, value,
			"--vault-max-retries");
	if (strcmp(name, "timeout") == 0) {
		if (vault__parse_duration_ms(&o->timeout_ms, value) < 0)
			return hush_err_set(HUSH_EUSAGE,
				"--vault-timeout: not a duration: '%s' "
				"(seconds, or e.g. 1m30s)", value);
		return 0;
	}
	return hush_err_set(HUSH_EUSAGE, "unknown option '--vault-%s'", name);
}

const char *vault_help_options(void)
{
	return "  --vault-auth METHOD         token (default), approle, kubernetes or jwt\n"
	       "  --vault-auth-mount PATH     auth mount (default: the method's name)\n"
	       "  --vault-role NAME           role for kubernetes (required) and jwt\n"
	       "  --vault-token-file FILE     token to use instead of VAULT_TOKEN\n"
	       "  --vault-role-id ID          AppRole role id\n"
	       "  --vault-role-id-file FILE   AppRole role id, from a file\n"
	       "  --vault-secret-id-file FILE AppRole secret id, from a file\n"
	       "  --vault-secret-id-wrapped BOOL  the secret id file holds a wrapping\n"
	       "                              token: unwrap it (sys/wrapping/unwrap)\n"
	       "  --vault-jwt-file FILE       JWT for jwt, or the service-account token for\n"
	       "                              kubernetes (default " VAULT_K8S_JWT ")\n"
	       "  --vault-addr URL            server address (overrides VAULT_AGENT_ADDR\n"
	       "                              and VAULT_ADDR)\n"
	       "  --vault-namespace NS        namespace (overrides VAULT_NAMESPACE)\n"
	       "  --vault-max-retries N       retries (overrides VAULT_MAX_RETRIES)\n"
	       "  --vault-timeout DURATION    per call, retries included (overrides\n"
	       "                              VAULT_CLIENT_TIMEOUT)\n";
}

const char *vault_help_env(void)
{
	return "  VAULT_ADDR                  Vault address (default " VAULT_DEFAULT_ADDR "),\n"
	       "                              http(s):// or unix:///path\n"
	       "  VAULT_AGENT_ADDR            Vault Agent address; wins over VAULT_ADDR\n"
	       "  VAULT_TOKEN                 token for --vault-auth token\n"
	       "  VAULT_NAMESPACE             namespace (X-Vault-Namespace)\n"
	       "  VAULT_CACERT                PEM file of CA certificates\n"
	       "  VAULT_CACERT_BYTES          PEM CA certificates in the variable\n"
	       "  VAULT_CAPATH                folder of PEM CA certificates\n"
	       "  VAULT_CLIENT_CERT           client certificate (PEM), with VAULT_CLIENT_KEY\n"
	       "  VAULT_CLIENT_KEY            client key (PEM), with VAULT_CLIENT_CERT\n"
	       "  VAULT_TLS_SERVER_NAME       name sent as SNI and checked in the certificate\n"
	       "  VAULT_SKIP_VERIFY           true: do not check the certificate (warns)\n"
	       "  VAULT_MAX_RETRIES           retries on 412, 429, 5xx but 501 (default 2)\n"
	       "  VAULT_CLIENT_TIMEOUT        per call, retries included (default 60s)\n"
	       "  VAULT_DISABLE_REDIRECTS     true: do not follow a 307 from a standby\n"
	       "  VAULT_RATE_LIMIT            client-side rate limit, RATE[:BURST] per second\n"
	       "  VAULT_PROXY_ADDR, VAULT_HTTP_PROXY  HTTP proxy (else HTTPS_PROXY,\n"
	       "                              HTTP_PROXY and NO_PROXY)\n"
	       "  VAULT_SRV_LOOKUP            DNS SRV lookup: not supported, true is refused\n"
	       "  Every VAULT_* variable is removed from the program's environment.\n";
}

bool vault_env_is_bootstrap(const char *name)
{
	return strncmp(name, "VAULT_", 6) == 0;
}

/* ------------------------------------------------------------- helpers */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Jitter only; not for secrets (xorshift64*). */
static unsigned long long next_rand(struct vault *v)
{
	v->rng ^= v->rng >> 12;
	v->rng ^= v->rng << 25;
	v->rng ^= v->rng >> 27;
	return v->rng * 2685821657736338717ULL;
}

/* Copy len bytes into fresh guarded memory, NUL-terminated. */
static int secret_dup(struct secret **out, const void *data, size_t len)
{
	int error;

	if ((error = secret_new(out, len + 1)) < 0)
		return error;
	memcpy((*out)->data, data, len);
	(*out)->data[len] = '\0';
	(*out)->len = len;
	return 0;
}

/* Tokens are opaque, printable strings (the Go client's validateToken). */
static bool printable(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			return false;
	}
	return len > 0;
}

/*
 * Read a credential file (token, role id, secret id, JWT) into guarded
 * memory, whitespace trimmed at both ends; `what` names it in messages.
 */
static int read_cred(struct secret **out, const char *path, const char *what)
{
	struct secret *s = NULL;
	size_t start = 0, end;
	ssize_t n;
	int fd = -1, error;

	*out = NULL;
	if ((error = secret_new(&s, HUSH_MAX_VAULT_CRED_FILE + 2)) < 0)
		goto done;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		error = hush_err_set_errno(HUSH_EUSAGE, "%s %s: cannot open",
			what, path);
		goto done;
	}
	for (;;) {
		n = read(fd, s->data + s->len, s->cap - 1 - s->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = hush_err_set_errno(HUSH_EIO, "%s %s: read",
				what, path);
			goto done;
		}
		if (n == 0)
			break;
		s->len += (size_t)n;
		if (s->len > HUSH_MAX_VAULT_CRED_FILE) {
			error = hush_err_set(HUSH_ELIMIT,
				"%s %s: larger than %u bytes "
				"(HUSH_MAX_VAULT_CRED_FILE)", what, path,
				(unsigned)HUSH_MAX_VAULT_CRED_FILE);
			goto done;
		}
	}
	end = s->len;
	while (start < end && isspace(s->data[start]))
		start++;
	while (end > start && isspace(s->data[end - 1]))
		end--;
	if (!printable(s->data + start, end - start)) {
		error = hush_err_set(HUSH_EUSAGE, "%s %s: %s", what, path,
			start == end ? "empty" :
				"holds a non-printable character");
		goto done;
	}
	memmove(s->data, s->data + start, end - start);
	seal_wipe(s->data + (end - start), s->len - (end - start));
	s->len = end - start;
	*out = s;
	s = NULL;
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	secret_free(s);
	return error;
}

/* --------------------------------------------------------- JSON bodies */

/* A JSON object built in guarded memory: {"k":"v",...}. */
struct body {
	struct secret *s;
	bool full;
};

static void body_raw(struct body *b, const char *p, size_t n)
{
	if (b->full || b->s->len + n + 2 > b->s->cap) {
		b->full = true;
		return;
	}
	memcpy(b->s->data + b->s->len, p, n);
	b->s->len += n;
}

static void body_string(struct body *b, const unsigned char *p, size_t n)
{
	char esc[8];
	size_t i;

	body_raw(b, "\"", 1);
	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)p[i];
			body_raw(b, esc, 2);
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			if (snprintf(esc, sizeof(esc), "\\u%04x", p[i]) != 6)
				b->full = true;
			else
				body_raw(b, esc, 6);
		} else {
			body_raw(b, (const char *)p + i, 1);
		}
	}
	body_raw(b, "\"", 1);
}

/* Start a body able to hold `room` bytes of values (escaping counted). */
static int body_begin(struct body *b, size_t room)
{
	b->full = false;
	b->s = NULL;
	if (room > SIZE_MAX / 8)
		return hush_err_set(HUSH_ELIMIT, "request body too large");
	if (secret_new(&b->s, room * 6 + 256) < 0)
		return HUSH_ENOMEM;
	body_raw(b, "{", 1);
	return 0;
}

static void body_member(struct body *b, const char *key,
	const unsigned char *value, size_t len)
{
	if (b->s->len > 1)
		body_raw(b, ",", 1);
	body_string(b, (const unsigned char *)key, strlen(key));
	body_raw(b, ":", 1);
	body_string(b, value, len);
}

static void body_number(struct body *b, const char *key, long n)
{
	char num[32];
	int k = snprintf(num, sizeof(num), "%ld", n);

	if (b->s->len > 1)
		body_raw(b, ",", 1);
	body_string(b, (const unsigned char *)key, strlen(key));
	body_raw(b, ":", 1);
	if (k < 0 || (size_t)k >= sizeof(num))
		b->full = true;
	else
		body_raw(b, num, (size_t)k);
}

static int body_end(struct body *b)
{
	body_raw(b, "}", 1);
	if (b->full) {
		secret_free(b->s);
		b->s = NULL;
		return hush_err_set(HUSH_ERROR, "request body overflow");
	}
	b->s->data[b->s->len] = '\0';
	return 0;
}

/* ------------------------------------------------------------ requests */

/* "vault ADDR/v1/PATH" (and the namespace) for messages. */
static void what_of(char *out, size_t cap, const struct vault *v,
	const char *path)
{
	int n;

	if (v->namespace_ != NULL)
		n = snprintf(out, cap, "vault %s/v1/%s (namespace %s)", v->addr,
			path, v->namespace_);
	else
		n = snprintf(out, cap, "vault %s/v1/%s", v->addr, path);
	if (n < 0 || (size_t)n >= cap)
		memcpy(out + cap - 4, "...", 4);
}

/*
 * The server's explanation, one line: errors[] joined (Vault's texts hold
 * no secret), or the start of a body that is not JSON, with control
 * characters turned into spaces.
 */
static void server_says(char *out, size_t cap, const struct http_response *r,
	const char *what)
{
	struct payload_json *doc = NULL;
	const struct payload_node *e, *w;
	size_t n = 0, i;
	const char *t;
	bool space = true;

	out[0] = '\0';
	if (r->body == NULL || r->body->len == 0)
		return;
	hush_err_clear();
	if (payload_json_parse(&doc, what, r->body->data, r->body->len) == 0) {
		e = payload_node_get(payload_json_root(doc), "errors");
		if (e == NULL || payload_node_first(e) == NULL)
			e = payload_node_get(payload_json_root(doc), "warnings");
		for (w = e != NULL ? payload_node_first(e) : NULL; w != NULL;
		     w = payload_node_next(w)) {
			if ((t = payload_node_string(w)) == NULL)
				continue;
			if (n > 0 && n + 2 < cap) {
				out[n++] = ';';
				out[n++] = ' ';
				space = true;
			}
			for (; *t != '\0' && n + 1 < cap; t++) {
				if ((unsigned char)*t < 0x20 || *t == 0x7f ||
				    *t == ' ') {
					if (!space)
						out[n++] = ' ';
					space = true;
				} else {
					out[n++] = *t;
					space = false;
				}
			}
		}
		while (n > 0 && out[n - 1] == ' ')
			n--;
		out[n] = '\0';
		payload_json_free(doc);
		return;
	}
	for (i = 0; i < r->body->len && n + 1 < cap && n < 200; i++) {
		unsigned char c = r->body->data[i];

		if (c < 0x20 || c >= 0x7f) {
			if (!space)
				out[n++] = ' ';
			space = true;
		} else {
			out[n++] = (char)c;
			space = false;
		}
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* Set the message for a final HTTP error; @return code */
static int status_error(int code, const struct http_response *r,
	const char *what, const char *extra)
{
	char says[512];

	server_says(says, sizeof(says), r, what);
	return hush_err_set(code, "%s: HTTP %ld%s%s%s", what, r->status,
		says[0] != '\0' ? ": " : "", says, extra);
}

static bool retry_status(long s)
{
	return s == 412 || s == 429 || (s >= 500 && s != 501);
}

/* VAULT_RATE_LIMIT: a token bucket, as golang.org/x/time/rate. */
static void rate_wait(struct vault *v)
{
	long long t;
	double wait;

	if (v->rate <= 0)
		return;
	t = now_ms();
	v->bucket += (double)(t - v->bucket_at) / 1000.0 * v->rate;
	if (v->bucket > v->burst)
		v->bucket = v->burst;
	v->bucket_at = t;
	if (v->bucket < 1.0) {
		wait = (1.0 - v->bucket) / v->rate * 1000.0;
		sleep_ms((long long)ceil(wait));
		v->bucket = 1.0;
		v->bucket_at = now_ms();
	}
	v->bucket -= 1.0;
}

/*
 * One API call with the Go client's retries. A final HTTP status (any,
 * 4xx included) is returned in out for the caller to judge; only transport
 * failures and retries spent are errors here.
 * @param token X-Vault-Token, or NULL
 */
static int call(struct http_response *out, struct vault *v,
	const char *method, const char *path, const struct secret *body,
	const struct secret *token)
{
	struct http_request req;
	char what[1024];
	struct hush_url {
		char s[HUSH_MAX_VAULT_PATH + 1024];
	} *url = NULL;
	long long deadline = 0, left, wait;
	long attempt = 0;
	int n, error;

	memset(&req, 0, sizeof(req));
	what_of(what, sizeof(what), v, path);
	if ((url = malloc(sizeof(*url))) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "%s: out of memory", what);
		goto done;
	}
	n = snprintf(url->s, sizeof(url->s), "%s/v1/%s", v->base, path);
	if (n < 0 || (size_t)n >= sizeof(url->s)) {
		error = hush_err_set(HUSH_ELIMIT, "%s: URL too long", what);
		goto done;
	}
	req.method = method;
	req.url = url->s;
	req.unix_socket = v->unix_socket;
	req.proxy = v->proxy;
	req.no_proxy = v->no_proxy;
	req.namespace_ = v->namespace_;
	req.token = token;
	req.body = body != NULL ? body->data : NULL;
	req.body_len = body != NULL ? body->len : 0;
	req.tls = v->use_tls ? &v->tls : NULL;
	req.max_body = HUSH_MAX_VAULT_BODY;
	req.follow_redirect = v->redirects;
	if (v->timeout_ms > 0)
		deadline = now_ms() + v->timeout_ms;
	for (;;) {
		rate_wait(v);
		left = deadline > 0 ? deadline - now_ms() : 0;
		if (deadline > 0 && left <= 0) {
			error = hush_err_set(HUSH_EIO,
				"%s: timed out after %lld ms (%ld attempts)",
				what, v->timeout_ms, attempt);
			goto done;
		}
		req.timeout_ms = (long)left;
		error = http_do(out, &req, what);
		attempt++;
		if (error < 0 && !(error == HUSH_EIO && out->transport_error &&
				   !out->tls_error))
			goto done;
		if (error == 0 && !retry_status(out->status))
			goto done;
		if (attempt > v->max_retries) {
			if (error == 0)
				error = status_error(out->status == 429 ?
						HUSH_ELIMIT : HUSH_EIO, out,
					what, attempt > 1 ?
						" (retries spent)" : "");
			else if (attempt > 1) {
				char msg[1024];
				int k = snprintf(msg, sizeof(msg), "%s",
					hush_err_msg());

				error = hush_err_set(error, "%s%s (after %ld "
					"attempts)", msg, k < 0 ||
					(size_t)k >= sizeof(msg) ? "..." : "",
					attempt);
			}
			goto done;
		}
		if (error == 0 && (out->status == 429 || out->status == 503) &&
		    out->retry_after >= 0)
			wait = (long long)out->retry_after * 1000;
		else
			wait = attempt * (1000 + (long long)(next_rand(v) % 500));
		if (deadline > 0 && now_ms() + wait >= deadline) {
			if (error == 0)
				error = status_error(HUSH_EIO, out, what,
					" (the next retry would pass the "
					"client timeout)");
			goto done;
		}
		hush_log_debug("%s: HTTP %ld, retry %ld in %lld ms", what,
			out->status, attempt, wait);
		http_response_clear(out);
		sleep_ms(wait);
	}
done:
	if (error < 0)
		http_response_clear(out);
	free(url);
	return error;
}

/* Parse a 2xx body (or a 404 one); messages name `what`. */
static int parse_body(struct payload_json **out, const struct http_response *r,
	const char *what)
{
	*out = NULL;
	if (r->body == NULL || r->body->len == 0)
		return hush_err_set(HUSH_EPARSE, "%s: empty response body",
			what);
	return payload_json_parse(out, what, r->body->data, r->body->len);
}

static const struct payload_node *get_path(const struct payload_json *doc,
	const char *a, const char *b)
{
	const struct payload_node *n = payload_json_root(doc);

	if (n != NULL && a != NULL)
		n = payload_node_get(n, a);
	if (n != NULL && b != NULL)
		n = payload_node_get(n, b);
	return n;
}

/* ---------------------------------------------------------------- login */

/* Take auth.client_token, lease_duration and renewable from a login. */
static int take_auth(struct vault *v, const struct payload_json *doc,
	const char *what)
{
	const struct payload_node *a = get_path(doc, "auth", NULL), *t;
	const char *tok;
	struct secret *s = NULL;
	int error;

	t = a != NULL ? payload_node_get(a, "client_token") : NULL;
	tok = t != NULL ? payload_node_string(t) : NULL;
	if (tok == NULL || !printable((const unsigned char *)tok, strlen(tok)))
		return hush_err_set(HUSH_EPARSE,
			"%s: no usable auth.client_token in the response", what);
	if ((error = secret_dup(&s, tok, strlen(tok))) < 0)
		return error;
	secret_free(v->token);
	v->token = s;
	v->token_ttl = (long)payload_node_number(payload_node_get(a,
		"lease_duration"));
	if (v->token_ttl < 0)
		v->token_ttl = 0;
	v->token_renewable = payload_node_bool(payload_node_get(a,
		"renewable"));
	v->token_at = now_ms();
	return 0;
}

/* POST a login body to auth/<mount>/login and take the token. */
static int login_post(struct vault *v, const struct secret *body)
{
	struct http_response r = { 0 };
	struct payload_json *doc = NULL;
	char path[HUSH_MAX_VAULT_PATH + 16], what[1024];
	int n, error;

	n = snprintf(path, sizeof(path), "auth/%s/login", v->mount);
	if (n < 0 || (size_t)n >= sizeof(path))
		return hush_err_set(HUSH_ELIMIT, "auth mount path too long");
	what_of(what, sizeof(what), v, path);
	if ((error = call(&r, v, "POST", path, body, NULL)) < 0)
		goto done;
	if (r.status != 200) {
		error = status_error(r.status == 400 || r.status == 403 ||
					r.status == 401 ? HUSH_EAUTH :
					r.status == 404 ? HUSH_ENOTFOUND :
					HUSH_EIO, &r, what, " (login refused)");
		goto done;
	}
	if ((error = parse_body(&doc, &r, what)) < 0)
		goto done;
	error = take_auth(v, doc, what);
done:
	payload_json_free(doc);
	http_response_clear(&r);
	return error;
}

/* Unwrap a response-wrapped secret id (form 1: the wrapping token as
 * X-Vault-Token, no body) into v->secret_id. */
static int unwrap_secret_id(struct vault *v, const struct secret *wrapping)
{
	struct http_response r = { 0 };
	struct payload_json *doc = NULL;
	const struct payload_node *d;
	const char *sid;
	char what[1024];
	int error;

	what_of(what, sizeof(what), v, "sys/wrapping/unwrap");
	if ((error = call(&r, v, "PUT", "sys/wrapping/unwrap", NULL,
		     wrapping)) < 0)
		goto done;
	if (r.status != 200) {
		error = status_error(r.status == 400 || r.status == 403 ?
				HUSH_EAUTH : HUSH_EIO, &r, what,
			" (the wrapped secret id cannot be unwrapped)");
		goto done;
	}
	if ((error = parse_body(&doc, &r, what)) < 0)
		goto done;
	d = get_path(doc, "data", "secret_id");
	sid = d != NULL ? payload_node_string(d) : NULL;
	if (sid == NULL || sid[0] == '\0') {
		error = hush_err_set(HUSH_EPARSE,
			"%s: the unwrapped response has no data.secret_id", what);
		goto done;
	}
	secret_free(v->secret_id);
	v->secret_id = NULL;
	error = secret_dup(&v->secret_id, sid, strlen(sid));
done:
	payload_json_free(doc);
	http_response_clear(&r);
	return error;
}

/* GET auth/token/lookup-self: checks the token, learns its TTL. */
static int token_lookup(struct vault *v)
{
	struct http_response r = { 0 };
	struct payload_json *doc = NULL;
	const struct payload_node *d;
	char what[1024];
	int error;

	what_of(what, sizeof(what), v, "auth/token/lookup-self");
	if ((error = call(&r, v, "GET", "auth/token/lookup-self", NULL,
		     v->token)) < 0)
		goto done;
	if (r.status != 200) {
		error = status_error(r.status == 403 || r.status == 400 ?
				HUSH_EAUTH : HUSH_EIO, &r, what,
			" (token refused)");
		goto done;
	}
	if ((error = parse_body(&doc, &r, what)) < 0)
		goto done;
	d = get_path(doc, "data", NULL);
	v->token_ttl = (long)payload_node_number(payload_node_get(d, "ttl"));
	if (v->token_ttl < 0)
		v->token_ttl = 0;
	v->token_renewable = payload_node_bool(payload_node_get(d,
		"renewable"));
	v->token_at = now_ms();
	error = 0;
done:
	payload_json_free(doc);
	http_response_clear(&r);
	return error;
}

/* Log in with the configured method (the token method only checks). */
static int login(struct vault *v)
{
	struct secret *jwt = NULL;
	struct body b = { NULL, false };
	int error;

	switch (v->auth) {
	case AUTH_TOKEN:
		error = token_lookup(v);
		goto done;
	case AUTH_APPROLE:
		if ((error = body_begin(&b, v->role_id->len +
			     (v->secret_id != NULL ? v->secret_id->len : 0))) < 0)
			goto done;
		body_member(&b, "role_id", v->role_id->data, v->role_id->len);
		if (v->secret_id != NULL)
			body_member(&b, "secret_id", v->secret_id->data,
				v->secret_id->len);
		break;
	case AUTH_KUBERNETES:
	case AUTH_JWT:
		/* read each time: projected service-account tokens rotate */
		if ((error = read_cred(&jwt, v->jwt_file,
			     v->auth == AUTH_JWT ? "JWT file" :
						   "service-account token")) < 0)
			goto done;
		if ((error = body_begin(&b, jwt->len + (v->role != NULL ?
						 strlen(v->role) : 0))) < 0)
			goto done;
		if (v->role != NULL)
			body_member(&b, "role", (const unsigned char *)v->role,
				strlen(v->role));
		body_member(&b, "jwt", jwt->data, jwt->len);
		break;
	}
	if ((error = body_end(&b)) < 0)
		goto done;
	error = login_post(v, b.s);
	if (error == 0)
		v->token_ttl0 = v->token_ttl;
done:
	secret_free(b.s);
	secret_free(jwt);
	return error;
}

/* ------------------------------------------------------------ open/close */

static int dup_opt(char **out, const char *s)
{
	*out = NULL;
	if (s == NULL)
		return 0;
	if ((*out = dup_str(s)) == NULL)
		return hush_err_set(HUSH_ENOMEM, "out of memory");
	return 0;
}

static int env_bool(bool *out, char *const *envp, const char *name)
{
	const char *s = vault__env(envp, name);

	if (s == NULL)
		return 0;
	if (vault__parse_bool(out, s) < 0)
		return hush_err_set(HUSH_EUSAGE,
			"could not parse %s: '%s' is not a boolean (true, "
			"false, 1, 0, t, f)", name, s);
	return 0;
}

/* Address: scheme, unix socket, base URL; the printable form. */
static int set_addr(struct vault *v, const char *addr, const char *from)
{
	const char *host, *at, *slash;
	size_t n = strlen(addr);
	int k;

	if (n > HUSH_MAX_VAULT_PATH)
		return hush_err_set(HUSH_EUSAGE, "%s: longer than %u bytes",
			from, (unsigned)HUSH_MAX_VAULT_PATH);
	if (strchr(addr, '?') != NULL || strchr(addr, '#') != NULL ||
	    !printable((const unsigned char *)addr, n) ||
	    strchr(addr, ' ') != NULL)
		return hush_err_set(HUSH_EUSAGE,
			"%s: '%s' is not a Vault address", from, addr);
	if (strncmp(addr, "unix://", 7) == 0) {
		if (addr[7] != '/')
			return hush_err_set(HUSH_EUSAGE, "%s: '%s': a unix "
				"address needs an absolute path "
				"(unix:///path)", from, addr);
		if (dup_opt(&v->unix_socket, addr + 7) < 0 ||
		    dup_opt(&v->base, "http://localhost") < 0)
			return HUSH_ENOMEM;
		k = snprintf(v->addr, sizeof(v->addr), "%s", addr);
		if (k < 0 || (size_t)k >= sizeof(v->addr))
			return hush_err_set(HUSH_EUSAGE, "%s: too long", from);
		return 0;
	}
	if (strncmp(addr, "https://", 8) == 0) {
		v->use_tls = true;
		host = addr + 8;
	} else if (strncmp(addr, "http://", 7) == 0) {
		host = addr + 7;
	} else {
		return hush_err_set(HUSH_EUSAGE, "%s: '%s': the address must "
			"start with https://, http:// or unix://", from, addr);
	}
	if (*host == '\0' || *host == '/')
		return hush_err_set(HUSH_EUSAGE, "%s: '%s': no host", from,
			addr);
	if (dup_opt(&v->base, addr) < 0)
		return HUSH_ENOMEM;
	n = strlen(v->base);
	while (n > 0 && v->base[n - 1] == '/')
		v->base[--n] = '\0';
	/* messages never show user:password@ */
	slash = strchr(host, '/');
	at = strchr(host, '@');
	if (at != NULL && (slash == NULL || at < slash))
		k = snprintf(v->addr, sizeof(v->addr), "%.*s%s",
			(int)(host - addr), addr, at + 1);
	else
		k = snprintf(v->addr, sizeof(v->addr), "%s", addr);
	if (k < 0 || (size_t)k >= sizeof(v->addr))
		return hush_err_set(HUSH_EUSAGE, "%s: too long", from);
	n = strlen(v->addr);
	while (n > 0 && v->addr[n - 1] == '/')
		v->addr[--n] = '\0';
	return 0;
}

static int set_rate(struct vault *v, const char *s)
{
	char *end;
	double r, b;

	errno = 0;
	r = strtod(s, &end);
	b = floor(r);
	if (*end == ':') {
		const char *p = end + 1;

		if (*p == '\0')
			goto bad;
		for (b = 0; isdigit((unsigned char)*p); p++) {
			b = b * 10 + (*p - '0');
			if (b > 1e9)
				goto bad;
		}
		if (*p != '\0')
			goto bad;
	} else if (*end != '\0') {
		goto bad;
	}
	if (errno != 0 || end == s || !(r > 0) || r > 1e9)
		goto bad;
	v->rate = r;
	v->burst = b < 1 ? 1 : b;
	v->bucket = v->burst;
	v->bucket_at = now_ms();
	return 0;
bad:
	return hush_err_set(HUSH_EUSAGE, "VAULT_RATE_LIMIT: '%s' is not "
		"RATE[:BURST] (requests per second, burst)", s);
}

/* Configuration from the options and envp; no network. */
static int configure(struct vault *v, const struct vault_options *o,
	char *const *envp)
{
	const char *addr, *from, *s, *cert, *key;
	bool b = false;
	int error;

	addr = vault__pick_addr(o->addr, envp, &from);
	if ((error = set_addr(v, addr, from)) < 0)
		return error;
	s = o->namespace_ != NULL ? o->namespace_ :
				    vault__env(envp, "VAULT_NAMESPACE");
	if (s != NULL && (!printable((const unsigned char *)s, strlen(s)) ||
			  strlen(s) > HUSH_MAX_VAULT_PATH))
		return hush_err_set(HUSH_EUSAGE,
			"VAULT_NAMESPACE: not a namespace");
	if ((error = dup_opt(&v->namespace_, s)) < 0)
		return error;

	/* TLS: CA precedence VAULT_CACERT > VAULT_CACERT_BYTES > VAULT_CAPATH */
	if ((s = vault__env(envp, "VAULT_CACERT")) != NULL) {
		if ((error = dup_opt(&v->ca_file, s)) < 0)
			return error;
	} else if ((s = vault__env(envp, "VAULT_CACERT_BYTES")) != NULL) {
		if ((error = secret_dup(&v->ca_pem, s, strlen(s))) < 0)
			return error;
	} else if ((error = dup_opt(&v->ca_path,
			    vault__env(envp, "VAULT_CAPATH"))) < 0) {
		return error;
	}
	cert = vault__env(envp, "VAULT_CLIENT_CERT");
	key = vault__env(envp, "VAULT_CLIENT_KEY");
	if ((cert == NULL) != (key == NULL))
		return hush_err_set(HUSH_EUSAGE, "VAULT_CLIENT_CERT and "
			"VAULT_CLIENT_KEY: both client cert and client key "
			"must be provided");
	if ((error = dup_opt(&v->cert_file, cert)) < 0 ||
	    (error = dup_opt(&v->key_file, key)) < 0 ||
	    (error = dup_opt(&v->server_name,
		     vault__env(envp, "VAULT_TLS_SERVER_NAME"))) < 0)
		return error;
	if ((error = env_bool(&b, envp, "VAULT_SKIP_VERIFY")) < 0)
		return error;
	if (b && v->use_tls)
		hush_log_warn("VAULT_SKIP_VERIFY is set: the certificate of "
			"%s is not checked; anyone on the path can read "
			"the secrets", v->addr);
	v->tls.ca_file = v->ca_file;
	v->tls.ca_pem = v->ca_pem != NULL ? v->ca_pem->data : NULL;
	v->tls.ca_pem_len = v->ca_pem != NULL ? v->ca_pem->len : 0;
	v->tls.ca_path = v->ca_path;
	v->tls.cert_file = v->cert_file;
	v->tls.key_file = v->key_file;
	v->tls.server_name = v->server_name;
	v->tls.insecure = b;

	b = false;
	if ((error = env_bool(&b, envp, "VAULT_DISABLE_REDIRECTS")) < 0)
		return error;
	v->redirects = !b;
	b = false;
	if ((error = env_bool(&b, envp, "VAULT_SRV_LOOKUP")) < 0)
		return error;
	if (b)
		return hush_err_set(HUSH_EUSAGE, "VAULT_SRV_LOOKUP: DNS SRV "
			"lookup is not supported; set VAULT_ADDR");

	v->max_retries = VAULT_DEFAULT_RETRIES;
	if (o->max_retries >= 0)
		v->max_retries = o->max_retries;
	else if ((s = vault__env(envp, "VAULT_MAX_RETRIES")) != NULL &&
		 (error = parse_retries(&v->max_retries, s,
			  "VAULT_MAX_RETRIES")) < 0)
		return error;
	v->timeout_ms = VAULT_DEFAULT_TIMEOUT_MS;
	if (o->timeout_ms >= 0)
		v->timeout_ms = o->timeout_ms;
	else if ((s = vault__env(envp, "VAULT_CLIENT_TIMEOUT")) != NULL &&
		 vault__parse_duration_ms(&v->timeout_ms, s) < 0)
		return hush_err_set(HUSH_EUSAGE, "VAULT_CLIENT_TIMEOUT: '%s' "
			"is not a duration (seconds, or e.g. 1m30s)", s);
	if ((s = vault__env(envp, "VAULT_RATE_LIMIT")) != NULL &&
	    (error = set_rate(v, s)) < 0)
		return error;

	/* proxy: VAULT_PROXY_ADDR > VAULT_HTTP_PROXY > the usual variables;
	 * always set, so that curl never reads the process environment */
	if (v->unix_socket == NULL) {
		s = vault__env(envp, "VAULT_PROXY_ADDR");
		if (s == NULL)
			s = vault__env(envp, "VAULT_HTTP_PROXY");
		if (s == NULL && v->use_tls) {
			s = vault__env(envp, "HTTPS_PROXY");
			if (s == NULL)
				s = vault__env(envp, "https_proxy");
		} else if (s == NULL) {
			s = vault__env(envp, "HTTP_PROXY");
			if (s == NULL)
				s = vault__env(envp, "http_proxy");
		}
		if ((error = dup_opt(&v->proxy, s)) < 0)
			return error;
		s = vault__env(envp, "NO_PROXY");
		if (s == NULL)
			s = vault__env(envp, "no_proxy");
		if ((error = dup_opt(&v->no_proxy, s)) < 0)
			return error;
	}
	return 0;
}

/* The credentials of the chosen method, checked for consistency. */
static int configure_auth(struct vault *v, const struct vault_options *o,
	char *const *envp)
{
	struct secret *wrapping = NULL;
	const char *s;
	int error = 0;

	v->auth = o->auth;
	if (o->auth != AUTH_APPROLE && (o->role_id != NULL ||
					o->role_id_file != NULL ||
					o->secret_id_file != NULL ||
					o->secret_id_wrapped >= 0))
		return hush_err_set(HUSH_EUSAGE, "--vault-role-id, "
			"--vault-role-id-file, --vault-secret-id-file and "
			"--vault-secret-id-wrapped are for --vault-auth approle");
	if (o->auth != AUTH_KUBERNETES && o->auth != AUTH_JWT &&
	    (o->jwt_file != NULL || o->role != NULL))
		return hush_err_set(HUSH_EUSAGE, "--vault-jwt-file and "
			"--vault-role are for --vault-auth kubernetes or jwt");
	if (o->auth != AUTH_TOKEN && o->token_file != NULL)
		return hush_err_set(HUSH_EUSAGE,
			"--vault-token-file is for --vault-auth token");
	if (o->auth == AUTH_TOKEN && o->auth_mount != NULL)
		return hush_err_set(HUSH_EUSAGE,
			"--vault-auth-mount is not for --vault-auth token");
	if ((error = dup_opt(&v->mount, o->auth_mount != NULL ?
			     o->auth_mount : auth_names[o->auth])) < 0 ||
	    (error = dup_opt(&v->role, o->role)) < 0)
		return error;
	switch (o->auth) {
	case AUTH_TOKEN:
		if (o->token_file != NULL)
			return read_cred(&v->token, o->token_file, "token file");
		if ((s = vault__env(envp, "VAULT_TOKEN")) == NULL)
			return hush_err_set(HUSH_EUSAGE, "no Vault token: set "
				"VAULT_TOKEN or --vault-token-file, or choose "
				"another --vault-auth");
		if (!printable((const unsigned char *)s, strlen(s)))
			return hush_err_set(HUSH_EUSAGE, "VAULT_TOKEN: holds "
				"a non-printable character");
		return secret_dup(&v->token, s, strlen(s));
	case AUTH_APPROLE:
		if ((o->role_id != NULL) == (o->role_id_file != NULL))
			return hush_err_set(HUSH_EUSAGE, "--vault-auth approle "
				"needs one of --vault-role-id and "
				"--vault-role-id-file");
		if (o->secret_id_wrapped > 0 && o->secret_id_file == NULL)
			return hush_err_set(HUSH_EUSAGE,
				"--vault-secret-id-wrapped needs "
				"--vault-secret-id-file");
		if (o->role_id != NULL)
			error = secret_dup(&v->role_id, o->role_id,
				strlen(o->role_id));
		else
			error = read_cred(&v->role_id, o->role_id_file,
				"role id file");
		if (error < 0 || o->secret_id_file == NULL)
			return error;
		if (o->secret_id_wrapped > 0) {
			if ((error = read_cred(&wrapping, o->secret_id_file,
				     "wrapped secret id file")) < 0)
				return error;
			error = unwrap_secret_id(v, wrapping);
			secret_free(wrapping);
			return error;
		}
		return read_cred(&v->secret_id, o->secret_id_file,
			"secret id file");
	case AUTH_KUBERNETES:
		if (o->role == NULL)
			return hush_err_set(HUSH_EUSAGE, "--vault-auth "
				"kubernetes needs --vault-role");
		return dup_opt(&v->jwt_file, o->jwt_file != NULL ?
				o->jwt_file : VAULT_K8S_JWT);
	case AUTH_JWT:
		if (o->jwt_file == NULL)
			return hush_err_set(HUSH_EUSAGE, "--vault-auth jwt "
				"needs --vault-jwt-file");
		return dup_opt(&v->jwt_file, o->jwt_file);
	}
	return 0;
}

int vault_open(struct vault **out, const struct vault_options *o,
	char *const *envp)
{
	struct vault_options *defaults = NULL;
	struct vault *v = NULL;
	int error;

	*out = NULL;
	if ((error = seal_init()) < 0)
		goto done;
	if (o == NULL) {
		if ((error = vault_options_new(&defaults)) < 0)
			goto done;
		o = defaults;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	v->rng = (unsigned long long)now_ms() * 0x9e3779b97f4a7c15ULL ^
		 (unsigned long long)getpid() ^ (uintptr_t)v;
	if (v->rng == 0)
		v->rng = 1;
	if ((error = configure(v, o, envp)) < 0)
		goto done;
	if ((error = configure_auth(v, o, envp)) < 0)
		goto done;
	if ((error = login(v)) < 0)
		goto done;
	v->token_ttl0 = v->token_ttl;
	*out = v;
	v = NULL;
done:
	vault_close(v);
	vault_options_free(defaults);
	return error;
}

void vault_close(struct vault *v)
{
	if (v == NULL)
		return;
	secret_free(v->token);
	secret_free(v->role_id);
	secret_free(v->secret_id);
	secret_free(v->ca_pem);
	free_str(v->base);
	free_str(v->unix_socket);
	free_str(v->namespace_);
	free_str(v->proxy);
	free_str(v->no_proxy);
	free_str(v->ca_file);
	free_str(v->ca_path);
	free_str(v->cert_file);
	free_str(v->key_file);
	free_str(v->server_name);
	free_str(v->mount);
	free_str(v->role);
	free_str(v->jwt_file);
	seal_wipe(v, sizeof(*v));
	free(v);
}

/* ----------------------------------------------------------------- read */

/*
 * Percent-encode a path for the URL ('/' kept); into out (cap bytes).
 * @return 0 or HUSH_ELIMIT
 */
static int encode_path(char *out, size_t cap, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	unsigned char c;

	for (; *path != '\0'; path++) {
		c = (unsigned char)*path;
		if (isalnum(c) || c == '/' || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			if (n + 2 > cap)
				goto toolong;
			out[n++] = (char)c;
		} else {
			if (n + 4 > cap)
				goto toolong;
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	out[n] = '\0';
	return 0;
toolong:
	return hush_err_set(HUSH_ELIMIT, "vault:%s: path too long", path);
}

/* The mount holding path, from the cache or sys/internal/ui/mounts. */
static int mount_of(const struct mount_entry **out, struct vault *v,
	const char *path)
{
	struct http_response r = { 0 };
	struct payload_json *doc = NULL;
	const struct payload_node *d, *t, *ver;
	const char *mp, *type, *vs;
	struct mount_entry *e;
	char api[HUSH_MAX_VAULT_PATH + 64], what[1024];
	size_t i, n;
	int k, error;

	*out = NULL;
	for (i = 0; i < v->n_mounts; i++) {
		n = strlen(v->mounts[i].path);
		if (strncmp(path, v->mounts[i].path, n) == 0) {
			*out = &v->mounts[i];
			return 0;
		}
	}
	k = snprintf(api, sizeof(api), "sys/internal/ui/mounts/%s", path);
	if (k < 0 || (size_t)k >= sizeof(api))
		return hush_err_set(HUSH_ELIMIT, "vault:%s: path too long",
			path);
	what_of(what, sizeof(what), v, api);
	if ((error = call(&r, v, "GET", api, NULL, v->token)) < 0)
		goto done;
	e = &v->mounts[v->n_mounts < VAULT_MOUNT_CACHE ? v->n_mounts :
							 VAULT_MOUNT_CACHE - 1];
	memset(e, 0, sizeof(*e));
	if (r.status == 404) {
		/* a server older than the preflight endpoint: KV v1, as the
		 * CLI assumes; the path is read as given */
		e->kv = 1;
		*out = e;
		error = 0;
		goto done;
	}
	if (r.status != 200) {
		error = status_error(r.status == 403 ? HUSH_EAUTH : HUSH_EIO,
			&r, what, " (mount lookup)");
		goto done;
	}
	if ((error = parse_body(&doc, &r, what)) < 0)
		goto done;
	d = get_path(doc, "data", NULL);
	mp = payload_node_string(payload_node_get(d, "path"));
	t = payload_node_get(d, "type");
	type = t != NULL ? payload_node_string(t) : NULL;
	if (mp == NULL || type == NULL || strlen(mp) >= sizeof(e->path) ||
	    strncmp(path, mp, strlen(mp)) != 0) {
		error = hush_err_set(HUSH_EPARSE, "%s: the response names no "
			"mount that holds %s", what, path);
		goto done;
	}
	memcpy(e->path, mp, strlen(mp) + 1);
	e->kv = 0;
	if (strcmp(type, "kv") == 0 || strcmp(type, "generic") == 0) {
		ver = payload_node_get(payload_node_get(d, "options"),
			"version");
		vs = ver != NULL ? payload_node_string(ver) : NULL;
		e->kv = vs != NULL && strcmp(vs, "2") == 0 ? 2 : 1;
	}
	if (v->n_mounts < VAULT_MOUNT_CACHE)
		v->n_mounts++;
	*out = e;
	error = 0;
done:
	payload_json_free(doc);
	http_response_clear(&r);
	return error;
}

/* A 404 on KV v2: a deleted or destroyed version, or nothing there. */
static int kv2_missing(const struct http_response *r, const char *what,
	const struct vault_ref *ref)
{
	struct payload_json *doc = NULL;
	const struct payload_node *m;
	const char *dt;
	long ver;
	int error;

	hush_err_clear();
	if (r->body != NULL && r->body->len > 0 &&
	    payload_json_parse(&doc, what, r->body->data, r->body->len) == 0 &&
	    (m = get_path(doc, "data", "metadata")) != NULL &&
	    payload_node_kind(m) == PAYLOAD_OBJECT) {
		ver = (long)payload_node_number(payload_node_get(m, "version"));
		dt = payload_node_string(payload_node_get(m, "deletion_time"));
		if (payload_node_bool(payload_node_get(m, "destroyed")))
			error = hush_err_set(HUSH_ENOTFOUND, "%s: version %ld "
				"was destroyed", what, ver);
		else if (dt != NULL && dt[0] != '\0')
			error = hush_err_set(HUSH_ENOTFOUND, "%s: version %ld "
				"was deleted (at %s)", what, ver, dt);
		else
			error = hush_err_set(HUSH_ENOTFOUND, "%s: version %ld "
				"has no data", what, ver);
	} else if (ref->has_version && ref->version > 0) {
		error = hush_err_set(HUSH_ENOTFOUND, "%s: no version %ld",
			what, ref->version);
	} else {
		error = status_error(HUSH_ENOTFOUND, r, what, " (no secret "
			"at this path)");
	}
	payload_json_free(doc);
	return error;
}

/* The value to deliver: one field (a string as is, else its JSON). */
static int take_value(struct vault_secret *out, const struct payload_node *d,
	const struct vault_ref *ref, const char *what)
{
	const struct payload_node *f;
	const char *s;

	if (d == NULL || payload_node_kind(d) != PAYLOAD_OBJECT)
		return hush_err_set(HUSH_EPARSE, "%s: the response has no "
			"data object", what);
	if (ref->field[0] == '\0')
		return payload_node_print(&out->value, what, d,
			HUSH_MAX_VAULT_BODY);
	if ((f = payload_node_get(d, ref->field)) == NULL)
		return hush_err_set(HUSH_ENOTFOUND, "%s: no field \"%s\"", what,
			ref->field);
	if ((s = payload_node_string(f)) != NULL)
		return secret_dup(&out->value, s, strlen(s));
	return payload_node_print(&out->value, what, f, HUSH_MAX_VAULT_BODY);
}

int vault_read(struct vault_secret *out, struct vault *v, const char *ref_text)
{
	struct vault_ref *ref = NULL;
	const struct mount_entry *m;
	struct http_response r = { 0 };
	struct payload_json *doc = NULL;
	const struct payload_node *d, *n;
	const char *lid;
	char *api = NULL, *enc = NULL, what[1024];
	size_t cap = HUSH_MAX_VAULT_PATH + 64;
	unsigned kv;
	int k, error;

	vault_secret_clear(out);
	if ((ref = malloc(sizeof(*ref))) == NULL ||
	    (api = malloc(cap)) == NULL || (enc = malloc(3 * cap)) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	if ((error = vault__parse_ref(ref, ref_text)) < 0)
		goto done;
	if ((error = mount_of(&m, v, ref->path)) < 0)
		goto done;
	kv = m->kv;
	if (kv == 2) {
		if ((error = vault__kv2_path(api, cap, ref->path,
			     m->path)) < 0)
			goto done;
	} else {
		k = snprintf(api, cap, "%s", ref->path);
		if (k < 0 || (size_t)k >= cap) {
			error = hush_err_set(HUSH_ELIMIT, "vault:%s: path too "
				"long", ref->path);
			goto done;
		}
	}
	if (ref->has_version && kv != 2) {
		error = hush_err_set(HUSH_EUSAGE, "vault:%s: ?version= is for "
			"KV version 2 mounts; %s is not one", ref->path,
			m->path[0] != '\0' ? m->path : "this mount");
		goto done;
	}
	if ((error = encode_path(enc, 3 * cap - 32, api)) < 0)
		goto done;
	if (ref->has_version && ref->version > 0) {
		k = (int)strlen(enc);
		if (snprintf(enc + k, 32, "?version=%ld", ref->version) >= 32) {
			error = hush_err_set(HUSH_ELIMIT, "version too long");
			goto done;
		}
	}
	what_of(what, sizeof(what), v, enc);
	if ((error = call(&r, v, "GET", enc, NULL, v->token)) < 0)
		goto done;
	if (r.status == 404 && kv == 2) {
		error = kv2_missing(&r, what, ref);
		goto done;
	}
	if (r.status != 200) {
		error = status_error(r.status == 403 ? HUSH_EAUTH :
				r.status == 404 ? HUSH_ENOTFOUND : HUSH_EIO,
			&r, what, r.status == 404 ? " (no secret at this path)" :
						    "");
		goto done;
	}
	if ((error = parse_body(&doc, &r, what)) < 0)
		goto done;
	d = get_path(doc, "data", NULL);
	if (kv == 2) {
		n = payload_node_get(d, "metadata");
		out->version = (long)payload_node_number(payload_node_get(n,
			"version"));
		d = payload_node_get(d, "data");
		if (d == NULL || payload_node_kind(d) == PAYLOAD_NULL) {
			error = kv2_missing(&r, what, ref);
			goto done;
		}
	}
	if ((error = take_value(out, d, ref, what)) < 0)
		goto done;
	lid = payload_node_string(get_path(doc, "lease_id", NULL));
	if (lid != NULL) {
		if (strlen(lid) >= sizeof(out->lease_id)) {
			error = hush_err_set(HUSH_ELIMIT, "%s: lease id longer "
				"than %zu bytes", what,
				sizeof(out->lease_id) - 1);
			goto done;
		}
		memcpy(out->lease_id, lid, strlen(lid) + 1);
	}
	out->lease_duration = (long)payload_node_number(get_path(doc,
		"lease_duration", NULL));
	out->renewable = payload_node_bool(get_path(doc, "renewable", NULL));
	out->kv_version = kv;
	error = 0;
done:
	if (error < 0)
		vault_secret_clear(out);
	payload_json_free(doc);
	http_response_clear(&r);
	free(enc);
	free(api);
	free(ref);
	return error;
}

void vault_secret_clear(struct vault_secret *s)
{
	secret_free(s->value);
	memset(s, 0, sizeof(*s));
}

/* -------------------------------------------------------------- renewal */

long vault_token_renew_in(const struct vault *v)
{
	long long due, left;

	if (v->token_ttl <= 0)
		return -1;
	due = v->token_at + (long long)v->token_ttl * 2000 / 3;
	left = due - now_ms();
	return left <= 0 ? 0 : (long)((left + 999) / 1000);
}

int vault_token_renew(struct vault *v)
{
	struct http_response r = { 0 };
	struct payload_json *doc = NULL;
	char what[1024];
	bool relogin = false;
	int error;

	what_of(what, sizeof(what), v, "auth/token/renew-self");
	if (!v->token_renewable) {
		relogin = true;
		error = hush_err_set(HUSH_EAUTH, "%s: the token is not "
			"renewable", what);
		goto done;
	}
	if ((error = call(&r, v, "PUT", "auth/token/renew-self", NULL,
		     v->token)) < 0)
		goto done;
	if (r.status != 200) {
		relogin = r.status == 400 || r.status == 403;
		error = status_error(relogin ? HUSH_EAUTH : HUSH_EIO, &r, what,
			"");
		goto done;
	}
	if ((error = parse_body(&doc, &r, what)) < 0 ||
	    (error = take_auth(v, doc, what)) < 0)
		goto done;
	/* capped by the max TTL: soon unrenewable, so log in afresh */
	if (v->auth != AUTH_TOKEN && v->token_ttl0 > 0 &&
	    v->token_ttl < v->token_ttl0 / 3)
		relogin = true;
done:
	if (relogin && v->auth != AUTH_TOKEN) {
		hush_log_info("%s: logging in again (auth/%s)", what, v->mount);
		error = login(v);
	}
	payload_json_free(doc);
	http_response_clear(&r);
	return error;
}

int vault_lease_renew(struct vault *v, struct vault_secret *s)
{
	struct http_response r = { 0 };
	struct payload_json *doc = NULL;
	struct body b = { NULL, false };
	char what[1024], says[512];
	int error;

	what_of(what, sizeof(what), v, "sys/leases/renew");
	if (s->lease_id[0] == '\0') {
		error = hush_err_set(HUSH_ENOTFOUND, "%s: the secret has no "
			"lease", what);
		goto done;
	}
	if ((error = body_begin(&b, strlen(s->lease_id) + 32)) < 0)
		goto done;
	body_member(&b, "lease_id", (const unsigned char *)s->lease_id,
		strlen(s->lease_id));
	if (s->lease_duration > 0)
		body_number(&b, "increment", s->lease_duration);
	if ((error = body_end(&b)) < 0)
		goto done;
	if ((error = call(&r, v, "PUT", "sys/leases/renew", b.s,
		     v->token)) < 0)
		goto done;
	if (r.status != 200) {
		server_says(says, sizeof(says), &r, what);
		error = status_error(r.status == 403 ? HUSH_EAUTH :
				r.status == 400 && (strstr(says, "not found") ||
						     strstr(says, "expired") ||
						     strstr(says, "not renewable")) ?
				HUSH_ENOTFOUND : HUSH_EIO,
			&r, what, "");
		goto done;
	}
	if ((error = parse_body(&doc, &r, what)) < 0)
		goto done;
	s->lease_duration = (long)payload_node_number(get_path(doc,
		"lease_duration", NULL));
	s->renewable = payload_node_bool(get_path(doc, "renewable", NULL));
	error = 0;
done:
	secret_free(b.s);
	payload_json_free(doc);
	http_response_clear(&r);
	return error;
}
