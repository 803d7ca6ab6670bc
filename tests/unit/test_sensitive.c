/* SPDX-License-Identifier: MIT */
/*
 * test_sensitive.c - which build-context names are sensitive, the folders
 * above a path, globs aimed at them, and the .dockerignore line suggested
 * for each; positives next to negatives.
 */
#include <stdlib.h>
#include <string.h>

#include "sensitive.h"
#include "t.h"

#define P "context.sensitive."

static const char *id_of(const struct sensitive_kind *k)
{
	return k ? k->id : "-";
}

static void match(void)
{
	static const struct {
		const char *path;
		bool is_dir;
		const char *want;
	} cases[] = {
		/* .env and its variants; templates and folders are not */
		{ ".env", false, P "env" },
		{ ".env", true, "-" }, /* python -m venv .env */
		{ "app/.env.local", false, P "env" },
		{ ".env.production", false, P "env" },
		{ ".env-staging", false, P "env" },
		{ "prod.env", false, P "env" },
		{ "deploy/.prod.env", false, P "env" },
		{ ".envrc", false, P "env" },
		{ ".env.example", false, "-" },
		{ ".env.sample", false, "-" },
		{ ".env.template", false, "-" },
		{ ".env.dist", false, "-" },
		{ ".env.local.example", false, "-" },
		{ ".env.EXAMPLE", false, "-" },
		{ "example.env", false, "-" },
		{ ".env.schema", false, "-" },
		{ ".environment", false, "-" },
		{ "env", false, "-" },
		{ ".env.d", true, "-" },
		/* keys */
		{ "id_rsa", false, P "ssh_key" },
		{ "deploy/id_ed25519", false, P "ssh_key" },
		{ "id_ecdsa_sk", false, P "ssh_key" },
		{ "id_dsa", false, P "ssh_key" },
		{ "id_rsa.pub", false, "-" },
		{ "id_ed25519_sk.pub", false, "-" },
		{ "id_rsa", true, "-" },
		{ "keys/deploy.ppk", false, P "ssh_key" },
		{ "home/.ssh/identity", false, P "ssh_key" },
		{ "identity", false, "-" },
		{ "certs/server.pem", false, P "pem" },
		{ "SERVER.PEM", false, P "pem" },
		{ "server.crt", false, "-" },
		{ "server.pub", false, "-" },
		{ "tls.key", false, P "private_key" },
		{ "AuthKey_ABC123.p8", false, P "private_key" },
		{ "client.p12", false, P "keystore" },
		{ "a.pfx", false, P "keystore" },
		{ "trust.jks", false, P "keystore" },
		{ "android/release.keystore", false, P "keystore" },
		{ "keystore", false, "-" },
		/* credential stores */
		{ ".npmrc", false, P "npmrc" },
		{ "web/.npmrc", false, P "npmrc" },
		{ ".yarnrc.yml", false, P "npmrc" },
		{ "npmrc", false, "-" },
		{ ".pypirc", false, P "pypirc" },
		{ ".netrc", false, P "netrc" },
		{ "_netrc", false, P "netrc" },
		{ ".git-credentials", false, P "git_credentials" },
		{ "home/.aws/credentials", false, P "aws_credentials" },
		{ ".aws/credentials", false, P "aws_credentials" },
		{ ".aws/config", false, "-" },
		{ "credentials", false, "-" },
		{ "x.aws/credentials", false, "-" },
		{ ".docker/config.json", false, P "docker_config" },
		{ "config.json", false, "-" },
		{ ".kube/config", false, P "kubeconfig" },
		{ "kubeconfig", false, P "kubeconfig" },
		{ "ci/kubeconfig.yaml", false, P "kubeconfig" },
		{ "prod.kubeconfig", false, P "kubeconfig" },
		{ "kubeconfig.go", false, "-" },
		{ "terraform.tfstate", false, P "tfstate" },
		{ "infra/terraform.tfstate.backup", false, P "tfstate" },
		{ "main.tf", false, "-" },
		{ ".terraform", true, "-" },
		{ ".pgpass", false, P "db_passwords" },
		{ ".my.cnf", false, P "db_passwords" },
		{ "my.cnf", false, "-" },
		{ "credentials.json", false, P "cloud_credentials" },
		{ "gcp/service-account-prod.json", false, P "cloud_credentials" },
		{ "service-account.yaml", false, "-" },
		{ "application_default_credentials.json", false,
			P "cloud_credentials" },
		/* folders */
		{ ".git", true, P "git_dir" },
		{ "vendor/lib/.git", true, P "git_dir" },
		{ ".git", false, "-" }, /* a submodule's gitdir: pointer */
		{ ".ssh", true, P "ssh_dir" },
		{ ".gnupg", true, P "gnupg_dir" },
		{ "secrets", true, P "secrets_dir" },
		{ "k8s/.secrets", true, P "secrets_dir" },
		{ "secrets", false, "-" },
		{ "secrets.yaml", false, "-" },
		{ "src", true, "-" },
		{ "", false, "-" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *got = id_of(sensitive_match(cases[i].path,
			cases[i].is_dir));

		if (strcmp(got, cases[i].want) != 0)
			T_FAIL("sensitive_match(\"%s\", %d) = %s, want %s",
				cases[i].path, cases[i].is_dir, got, cases[i].want);
	}
}

static void parent(void)
{
	static const struct {
		const char *path;
		const char *want;
		size_t dir_len;
	} cases[] = {
		{ ".ssh/config", P "ssh_dir", 4 },
		{ "app/secrets/db.txt", P "secrets_dir", 11 },
		{ ".git/HEAD", P "git_dir", 4 },
		{ "a/.git/refs/heads/main", P "git_dir", 6 },
		{ ".gnupg/private-keys-v1.d/x.key", P "gnupg_dir", 6 },
		{ "src/main.c", "-", 0 },
		{ "secrets", "-", 0 }, /* the path itself is not tested */
		{ "my-secrets/x", "-", 0 },
		{ ".env/bin/python", "-", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t len = 0;
		const char *got = id_of(sensitive_match_parent(cases[i].path,
			&len));

		if (strcmp(got, cases[i].want) != 0 || len != cases[i].dir_len)
			T_FAIL("sensitive_match_parent(\"%s\") = %s/%zu, want "
			       "%s/%zu",
				cases[i].path, got, len, cases[i].want,
				cases[i].dir_len);
	}
	T_ASSERT(sensitive_match_parent(".ssh/x", NULL) != NULL);
}

static void glob(void)
{
	static const struct {
		const char *pattern;
		const char *want;
	} cases[] = {
		{ "*.pem", P "pem" },
		{ "certs/*.pem", P "pem" },
		{ ".env*", P "env" },
		{ "*.env", P "env" },
		{ ".*", P "env" },
		{ "id_*", P "ssh_key" },
		{ "config/*.key", P "private_key" },
		{ "*.tfstate", P "tfstate" },
		{ "*credentials*", P "git_credentials" },
		{ "*/credentials", P "aws_credentials" },
		{ ".ssh/*", P "ssh_dir" },
		{ ".ssh/id_*", P "ssh_key" }, /* the file kind before its folder */
		{ "secrets/*.txt", P "secrets_dir" },
		{ "[.]npmrc", P "npmrc" },
		/* literal paths: the file, the folder, then folders above */
		{ ".env", P "env" },
		{ "secrets", P "secrets_dir" },
		{ ".git/config", P "git_dir" },
		{ ".ssh/id_rsa", P "ssh_key" },
		/* too broad to be aimed at anything */
		{ "*", "-" },
		{ "*.json", "-" },
		{ "*.yml", "-" },
		{ "*.yaml", "-" },
		{ "src/*", "-" },
		{ "*.cnf", "-" },
		{ "*.backup", "-" },
		{ "?", "-" },
		/* aimed at ordinary files */
		{ "*.go", "-" },
		{ "package*.json", "-" },
		{ "src/*.c", "-" },
		{ "README.md", "-" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *got = id_of(sensitive_match_glob(cases[i].pattern));

		if (strcmp(got, cases[i].want) != 0)
			T_FAIL("sensitive_match_glob(\"%s\") = %s, want %s",
				cases[i].pattern, got, cases[i].want);
	}
}

static void suggest(void)
{
	static const struct {
		const char *path;
		bool is_dir;
		const char *want;
	} cases[] = {
		{ ".env", false, "**/.env" },
		{ "config/.env.production", false, "**/.env.production" },
		{ "certs/server.pem", false, "**/*.pem" },
		{ "deploy/id_rsa", false, "**/id_rsa" },
		{ "home/.aws/credentials", false, "**/.aws/credentials" },
		{ ".docker/config.json", false, "**/.docker/config.json" },
		{ "release.keystore", false, "**/*.keystore" },
		{ "infra/terraform.tfstate.backup", false, "**/*.tfstate.backup" },
		{ ".git", true, "**/.git" },
		{ "k8s/.secrets", true, "**/.secrets" },
		{ "x/we[i]r*d.env", false, "**/we\\[i\\]r\\*d.env" },
		{ "tab\there.env", false, "**/tab?here.env" },
		{ "back\\slash.env", false, "**/back\\\\slash.env" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct hush_buf b = HUSH_BUF_INIT(4096);
		const struct sensitive_kind *k = sensitive_match(cases[i].path,
			cases[i].is_dir);

		T_ASSERT(k != NULL);
		T_OK(sensitive_suggest(&b, k, cases[i].path));
		if (strcmp(b.ptr, cases[i].want) != 0)
			T_FAIL("sensitive_suggest(\"%s\") = \"%s\", want \"%s\"",
				cases[i].path, b.ptr, cases[i].want);
		hush_buf_dispose(&b);
	}
}

static void suggest_parent(void)
{
	static const struct {
		const char *path;
		const char *want;
	} cases[] = {
		{ ".git/config", "**/.git" },
		{ "app/secrets/db.txt", "**/secrets" },
		{ "a/.ssh/known_hosts", "**/.ssh" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct hush_buf b = HUSH_BUF_INIT(4096);
		const struct sensitive_kind *k =
			sensitive_match_parent(cases[i].path, NULL);

		T_ASSERT(k != NULL);
		T_OK(sensitive_suggest(&b, k, cases[i].path));
		T_EQ_STR(b.ptr, cases[i].want);
		hush_buf_dispose(&b);
	}
}

static void suggest_cap(void)
{
	struct hush_buf b = HUSH_BUF_INIT(4);

	T_EQ_INT(sensitive_suggest(&b, sensitive_match(".env", false), ".env"),
		HUSH_ELIMIT);
	T_ASSERT(b.ptr == NULL);
}

static void kinds(void)
{
	size_t i, j, files = 0, dirs = 0;

	T_EQ_INT(sensitive_kinds_len, 19);
	for (i = 0; i < sensitive_kinds_len; i++) {
		const struct sensitive_kind *k = &sensitive_kinds[i];

		T_ASSERT(strncmp(k->id, P, strlen(P)) == 0);
		T_ASSERT(k->name && k->name[0] && k->description);
		T_ASSERT(k->severity >= RULE_SEV_LOW &&
			 k->severity <= RULE_SEV_CRITICAL);
		if (k->is_dir)
			dirs++;
		else
			files++;
		for (j = 0; j < i; j++)
			T_ASSERT(strcmp(k->id, sensitive_kinds[j].id) != 0);
	}
	T_EQ_INT(dirs, 4);
	T_EQ_INT(files, 15);
	T_EQ_INT(sensitive_match("id_rsa", false)->severity, RULE_SEV_CRITICAL);
	T_EQ_INT(sensitive_match(".git", true)->severity, RULE_SEV_MEDIUM);
}

T_MAIN(T_CASE(match), T_CASE(parent), T_CASE(glob), T_CASE(suggest),
	T_CASE(suggest_parent), T_CASE(suggest_cap), T_CASE(kinds))
