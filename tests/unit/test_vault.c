/* SPDX-License-Identifier: MIT */
/* test_vault.c - the pure logic of the Vault client (no network) */
#include <stdbool.h>
#include <string.h>

#include "http.h"
#include "t.h"
#include "vault.h"
#include "vault_priv.h"

static void parse_bool(void)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true",
		"True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false",
		"False" };
	static const char *const bad[] = { "", "yes", "no", "on", "off", "y",
		"tRUE", "True ", " 1", "2", "-1", "falsE" };
	bool b;
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(*yes); i++) {
		b = false;
		T_OK(vault__parse_bool(&b, yes[i]));
		T_ASSERT(b);
		b = true;
		T_OK(vault__parse_bool(&b, no[i]));
		T_ASSERT(!b);
	}
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		b = true;
		T_EQ_INT(vault__parse_bool(&b, bad[i]), HUSH_EUSAGE);
		T_ASSERT(b);
	}
}

static void parse_duration(void)
{
	long long ms = -1;

	T_OK(vault__parse_duration_ms(&ms, "30"));
	T_EQ_INT(ms, 30000);
	T_OK(vault__parse_duration_ms(&ms, "30s"));
	T_EQ_INT(ms, 30000);
	T_OK(vault__parse_duration_ms(&ms, "1m30s"));
	T_EQ_INT(ms, 90000);
	T_OK(vault__parse_duration_ms(&ms, "1.5h"));
	T_EQ_INT(ms, 5400000);
	T_OK(vault__parse_duration_ms(&ms, "250ms"));
	T_EQ_INT(ms, 250);
	T_OK(vault__parse_duration_ms(&ms, "0"));
	T_EQ_INT(ms, 0);
	T_OK(vault__parse_duration_ms(&ms, "2h45m"));
	T_EQ_INT(ms, 9900000);
	T_EQ_INT(vault__parse_duration_ms(&ms, ""), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_duration_ms(&ms, "-5s"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_duration_ms(&ms, "5x"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_duration_ms(&ms, "s"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_duration_ms(&ms, "1m5"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_duration_ms(&ms, "99999999999999999999"),
		HUSH_EUSAGE);
}

static void pick_addr(void)
{
	char *none[] = { NULL };
	char *both[] = { "VAULT_ADDR=http://a:1", "VAULT_AGENT_ADDR=http://b:2",
		NULL };
	char *addr[] = { "VAULT_ADDRESS=x", "VAULT_ADDR=http://a:1", NULL };
	char *empty[] = { "VAULT_AGENT_ADDR=", "VAULT_ADDR=http://a:1", NULL };
	const char *from;

	T_EQ_STR(vault__pick_addr(NULL, none, &from), "https://127.0.0.1:8200");
	T_EQ_STR(from, "the default address");
	T_EQ_STR(vault__pick_addr(NULL, both, &from), "http://b:2");
	T_EQ_STR(from, "VAULT_AGENT_ADDR");
	T_EQ_STR(vault__pick_addr(NULL, addr, &from), "http://a:1");
	T_EQ_STR(from, "VAULT_ADDR");
	T_EQ_STR(vault__pick_addr(NULL, empty, &from), "http://a:1");
	T_EQ_STR(vault__pick_addr("http://c:3", both, &from), "http://c:3");
	T_EQ_STR(from, "--vault-addr");
	T_EQ_STR(vault__pick_addr("", both, &from), "http://b:2");
}

static void env_lookup(void)
{
	char *env[] = { "VAULT_TOKENX=1", "VAULT_TOKEN=abc", "VAULT_X=",
		"NOEQUALS", NULL };

	T_EQ_STR(vault__env(env, "VAULT_TOKEN"), "abc");
	T_ASSERT(vault__env(env, "VAULT_X") == NULL);
	T_ASSERT(vault__env(env, "VAULT_TOKE") == NULL);
	T_ASSERT(vault__env(env, "NOEQUALS") == NULL);
	T_ASSERT(vault__env(NULL, "VAULT_TOKEN") == NULL);
}

static void parse_ref(void)
{
	struct vault_ref r;
	char long_ref[3000];

	T_OK(vault__parse_ref(&r, "secret/app/db#password"));
	T_EQ_STR(r.path, "secret/app/db");
	T_EQ_STR(r.field, "password");
	T_ASSERT(!r.has_version);
	T_OK(vault__parse_ref(&r, "secret/app?version=3#pw"));
	T_EQ_STR(r.path, "secret/app");
	T_EQ_STR(r.field, "pw");
	T_ASSERT(r.has_version);
	T_EQ_INT(r.version, 3);
	T_OK(vault__parse_ref(&r, "database/creds/readonly"));
	T_EQ_STR(r.path, "database/creds/readonly");
	T_EQ_STR(r.field, "");
	T_OK(vault__parse_ref(&r, "secret/app?version=0"));
	T_EQ_INT(r.version, 0);
	T_ASSERT(r.has_version);
	/* a '?' after the '#' belongs to the field */
	T_OK(vault__parse_ref(&r, "kv/x#a?b"));
	T_EQ_STR(r.path, "kv/x");
	T_EQ_STR(r.field, "a?b");
	T_EQ_INT(vault__parse_ref(&r, ""), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "#pw"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret/app#"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "/secret/app"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret//app"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret/../sys/x"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret/./x"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret/a\nb"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret/a?versions=1"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret/a?version="), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret/a?version=-1"), HUSH_EUSAGE);
	T_EQ_INT(vault__parse_ref(&r, "secret/a?version=99999999999999999999"),
		HUSH_EUSAGE);
	T_EQ_STR(hush_err_msg(), "vault:secret/a: version is not a number");
	memset(long_ref, 'a', sizeof(long_ref) - 1);
	long_ref[sizeof(long_ref) - 1] = '\0';
	T_EQ_INT(vault__parse_ref(&r, long_ref), HUSH_ELIMIT);
}

static void kv2_path(void)
{
	char out[64];

	T_OK(vault__kv2_path(out, sizeof(out), "secret/app/db", "secret/"));
	T_EQ_STR(out, "secret/data/app/db");
	T_OK(vault__kv2_path(out, sizeof(out), "apps/kv2/web", "apps/kv2/"));
	T_EQ_STR(out, "apps/kv2/data/web");
	/* the CLI adds data/ even when the path has it */
	T_OK(vault__kv2_path(out, sizeof(out), "secret/data/x", "secret/"));
	T_EQ_STR(out, "secret/data/data/x");
	T_OK(vault__kv2_path(out, sizeof(out), "secret", "secret/"));
	T_EQ_STR(out, "secret/data/");
	/* "secretive/x" is not under "secret/" */
	T_OK(vault__kv2_path(out, sizeof(out), "secretive/x", "secret/"));
	T_EQ_STR(out, "secretive/x");
	T_EQ_INT(vault__kv2_path(out, 12, "secret/app/db", "secret/"),
		HUSH_ELIMIT);
}

static void retry_after(void)
{
	/* Sun, 06 Nov 1994 08:49:37 GMT is 784111777 */
	T_EQ_INT(http_parse_retry_after("5", 0), 5);
	T_EQ_INT(http_parse_retry_after(" 0 ", 0), 0);
	T_EQ_INT(http_parse_retry_after("120", 0), 120);
	T_EQ_INT(http_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT",
			 784111777 - 30), 30);
	T_EQ_INT(http_parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT",
			 784111777 + 30), 0);
	T_EQ_INT(http_parse_retry_after("", 0), -1);
	T_EQ_INT(http_parse_retry_after("-1", 0), -1);
	T_EQ_INT(http_parse_retry_after("1.5", 0), -1);
	T_EQ_INT(http_parse_retry_after("5s", 0), -1);
	T_EQ_INT(http_parse_retry_after("soon", 0), -1);
	T_EQ_INT(http_parse_retry_after("99999999999999999999999", 0), -1);
}

static void options(void)
{
	struct vault_options *o = NULL;

	T_OK(vault_options_new(&o));
	T_OK(vault_options_set(o, "auth", "approle"));
	T_OK(vault_options_set(o, "auth-mount", "auth/approle-prod/"));
	T_OK(vault_options_set(o, "secret-id-wrapped", "true"));
	T_OK(vault_options_set(o, "max-retries", "5"));
	T_OK(vault_options_set(o, "timeout", "90"));
	T_OK(vault_options_set(o, "timeout", "1m"));
	T_EQ_INT(vault_options_set(o, "auth", "ldap"), HUSH_EUSAGE);
	T_EQ_INT(vault_options_set(o, "auth-mount", "a/../b"), HUSH_EUSAGE);
	T_EQ_INT(vault_options_set(o, "secret-id-wrapped", "yes"), HUSH_EUSAGE);
	T_EQ_STR(hush_err_msg(), "--vault-secret-id-wrapped: not a boolean: "
				 "'yes' (true or false)");
	T_EQ_INT(vault_options_set(o, "max-retries", "-1"), HUSH_EUSAGE);
	T_EQ_INT(vault_options_set(o, "max-retries", "101"), HUSH_EUSAGE);
	T_EQ_INT(vault_options_set(o, "timeout", "soon"), HUSH_EUSAGE);
	T_EQ_INT(vault_options_set(o, "role", ""), HUSH_EUSAGE);
	T_EQ_INT(vault_options_set(o, "frobnicate", "1"), HUSH_EUSAGE);
	T_EQ_STR(hush_err_msg(), "unknown option '--vault-frobnicate'");
	vault_options_free(o);
	vault_options_free(NULL);
}

static void help_and_bootstrap(void)
{
	T_ASSERT(strstr(vault_help_env(), "VAULT_SKIP_VERIFY") != NULL);
	T_ASSERT(strstr(vault_help_env(), "VAULT_AGENT_ADDR") != NULL);
	T_ASSERT(strstr(vault_help_options(), "--vault-secret-id-wrapped") !=
		 NULL);
	T_ASSERT(vault_env_is_bootstrap("VAULT_TOKEN"));
	T_ASSERT(vault_env_is_bootstrap("VAULT_ADDR"));
	T_ASSERT(!vault_env_is_bootstrap("VAULT"));
	T_ASSERT(!vault_env_is_bootstrap("PATH"));
}

/* configuration errors come before any connection */
static void open_usage(void)
{
	struct vault_options *o = NULL;
	struct vault *v = NULL;
	char *skip[] = { "VAULT_TOKEN=t", "VAULT_SKIP_VERIFY=yes", NULL };
	char *cert[] = { "VAULT_TOKEN=t", "VAULT_CLIENT_KEY=/k", NULL };
	char *addr[] = { "VAULT_TOKEN=t", "VAULT_ADDR=127.0.0.1:8200", NULL };
	char *notok[] = { "VAULT_ADDR=http://127.0.0.1:1", NULL };
	char *ctl[] = { "VAULT_TOKEN=a\tb", NULL };

	T_EQ_INT(vault_open(&v, NULL, skip), HUSH_EUSAGE);
	T_ASSERT(v == NULL);
	T_EQ_STR(hush_err_msg(), "could not parse VAULT_SKIP_VERIFY: 'yes' is "
				 "not a boolean (true, false, 1, 0, t, f)");
	T_EQ_INT(vault_open(&v, NULL, cert), HUSH_EUSAGE);
	T_EQ_INT(vault_open(&v, NULL, addr), HUSH_EUSAGE);
	T_EQ_INT(vault_open(&v, NULL, notok), HUSH_EUSAGE);
	T_EQ_INT(vault_open(&v, NULL, ctl), HUSH_EUSAGE);
	T_OK(vault_options_new(&o));
	T_OK(vault_options_set(o, "auth", "kubernetes"));
	T_EQ_INT(vault_open(&v, o, notok), HUSH_EUSAGE);
	T_EQ_STR(hush_err_msg(), "--vault-auth kubernetes needs --vault-role");
	vault_options_free(o);
	vault_close(NULL);
}

T_MAIN(T_CASE(parse_bool), T_CASE(parse_duration), T_CASE(pick_addr),
	T_CASE(env_lookup), T_CASE(parse_ref), T_CASE(kv2_path),
	T_CASE(retry_after), T_CASE(options), T_CASE(help_and_bootstrap),
	T_CASE(open_usage))
