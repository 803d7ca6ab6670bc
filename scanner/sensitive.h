/* SPDX-License-Identifier: MIT */
/*
 * sensitive.h - file and folder names that must not leave the machine in a
 * build context even when their content looks clean (.env, private keys,
 * credential stores, .git/, .ssh/), and the .dockerignore line that keeps
 * each one out. Names only: contents are the rule engine's job.
 */
#ifndef HUSH_SENSITIVE_H
#define HUSH_SENSITIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "hush/buf.h"
#include "rules.h"

/*
 * One kind of sensitive path. A kind is a check (a rule without a pattern,
 * see rules_add_check): id, name, severity and description are what a report
 * shows. The table is static and lives as long as the program.
 */
struct sensitive_kind {
	const char *id;          /* "context.sensitive.env" */
	const char *name;        /* "environment file" */
	enum rule_severity severity;
	const char *description; /* one line: what such a file usually holds */
	bool is_dir;             /* the kind names folders, not files */
};

/* Every kind, in match order (the first that matches wins). */
extern const struct sensitive_kind sensitive_kinds[];
extern const size_t sensitive_kinds_len;

/**
 * Whether a path in a build context is sensitive by its name.
 *
 * relpath is relative to the context root, '/'-separated, without "./", a
 * leading '/' or a trailing '/'. Folder kinds (.git, .ssh, .gnupg, secrets,
 * .secrets) match only when is_dir is true, file kinds only when it is false:
 * a folder named .env is usually a Python virtualenv, not a dotenv file.
 * A file below a sensitive folder does not match by itself (".git/HEAD");
 * see sensitive_match_parent.
 *
 * Decisions (documented here because they are judgement calls):
 * - .env, .env.<anything>, .env-<x>, .env_<x>, <name>.env (docker compose
 *   env_file names such as prod.env) and .envrc (direnv) are environment
 *   files, unless a '.', '-' or '_' separated part of the name is a template
 *   marker: example, sample, template, tmpl, tpl, dist, schema
 *   (.env.example, .env.local.sample, example.env are not sensitive).
 * - *.pem is flagged even though it may be a public certificate: it may hold a
 *   private key, and the name cannot tell. *.pub and *.crt are not flagged.
 * - Only .aws/credentials is flagged, not .aws/config (no secrets by default).
 * - .terraform/ is not flagged; the state files in it are (*.tfstate).
 * - credentials.json, service-account*.json and
 *   application_default_credentials.json are Google Cloud key and OAuth
 *   client file names used verbatim by the SDKs and their quickstarts.
 * - Extensions compare case-insensitively, names exactly.
 *
 * @return the kind, borrowed from the static table, or NULL
 */
const struct sensitive_kind *sensitive_match(const char *relpath, bool is_dir);

/**
 * The first folder above relpath that is sensitive (".ssh" for
 * ".ssh/config", "secrets" for "app/secrets/db.txt"); relpath itself is not
 * tested. On a match, *dir_len (when not NULL) is the length of that folder's
 * path, a prefix of relpath.
 * @return the kind, borrowed, or NULL
 */
const struct sensitive_kind *sensitive_match_parent(const char *relpath,
	size_t *dir_len);

/**
 * Whether a glob (a COPY or ADD source such as "*.pem", ".env*", "id_*")
 * is aimed at sensitive files. The glob's last parts are matched with
 * fnmatch(3) against sample names of every kind; a glob that also matches
 * ordinary names (README.md, main.go, package.json, config.yaml, "a") is
 * too broad to be aimed at anything and does not match: "*.json" and a whole
 * folder ("src/" then "*") stay quiet, "*.pem", ".*" and "*credentials*" do
 * not. Literal parent folders are tested too (".ssh/" then "*" is the .ssh
 * folder).
 * @return the kind, borrowed, or NULL
 */
const struct sensitive_kind *sensitive_match_glob(const char *pattern);

/**
 * Append to out the .dockerignore line that excludes relpath (a path that
 * sensitive_match or sensitive_match_parent matched with kind). Patterns do
 * not float in .dockerignore (".env" matches only at the root), so the line
 * always starts with "**" "/" and matches at any depth. Written as C string
 * pieces (a star-slash would end this comment): "**" "/" "*.pem" for a PEM
 * file, "**" "/.aws/credentials", "**" "/.env.local" for that .env variant,
 * "**" "/.git" for the folder. Glob characters in the name are escaped with
 * '\' and characters a .dockerignore line cannot hold (control characters,
 * trailing blanks) become '?'.
 * @return 0, HUSH_ENOMEM or HUSH_ELIMIT (out's cap; out is then disposed)
 */
int sensitive_suggest(struct hush_buf *out, const struct sensitive_kind *kind,
	const char *relpath);

#endif
