/* SPDX-License-Identifier: MIT */
/* cli.c - option tables, help, environment and config validation */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "hush/buf.h"
#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "hush/opt.h"
#include "hush/version.h"

enum {
	OPT_FORMAT = 1, OPT_OUTPUT, OPT_RULES, OPT_ONLY, OPT_BASELINE,
	OPT_SHOW, OPT_JOBS, OPT_MAXSIZE, OPT_NOPROGRESS, OPT_QUIET,
	OPT_VERBOSE, OPT_BINARY, OPT_NOCOLOR, OPT_NOCACHE, OPT_NODECODE,
	OPT_HELP, OPT_FILE, OPT_EXPLAIN, OPT_LIST, OPT_NULL,
	OPT_PLATFORM = 100, OPT_TAG, OPT_MAXLAYER, OPT_MAXIMAGE,
	OPT_STAGED, OPT_SINCE, OPT_BRANCH,
};

static const struct hush_opt scan_opts[] = {
	{ "format", 0, HUSH_OPT_VALUE, "FMT", "text (default), json, jsonl or sarif", OPT_FORMAT },
	{ "output", 'o', HUSH_OPT_VALUE, "FILE", "write the report to FILE (atomically)", OPT_OUTPUT },
	{ "rules", 0, HUSH_OPT_VALUE, "FILE", "add the rules in FILE (repeatable)", OPT_RULES },
	{ "only", 0, HUSH_OPT_VALUE, "ID", "use only rule ID (repeatable, or a,b,c)", OPT_ONLY },
	{ "baseline", 0, HUSH_OPT_VALUE, "FILE", "suppress findings in an earlier json report", OPT_BASELINE },
	{ "show-secrets", 0, HUSH_OPT_NONE, NULL, "print secrets in full (redacted by default)", OPT_SHOW },
	{ "jobs", 'j', HUSH_OPT_VALUE, "N", "worker threads (default: all cores)", OPT_JOBS },
	{ "max-file-size", 0, HUSH_OPT_VALUE, "SIZE", "scan larger inputs in overlapping chunks of SIZE (default 32M)", OPT_MAXSIZE },
	{ "binary", 0, HUSH_OPT_NONE, NULL, "also scan files that look binary", OPT_BINARY },
	{ "no-decode", 0, HUSH_OPT_NONE, NULL, "do not decode and rescan base64 values", OPT_NODECODE },
	{ "no-progress", 0, HUSH_OPT_NONE, NULL, "no progress line on stderr", OPT_NOPROGRESS },
	{ "no-color", 0, HUSH_OPT_NONE, NULL, "no colour in text output", OPT_NOCOLOR },
	{ "no-cache", 0, HUSH_OPT_NONE, NULL, "do not read or write the database cache", OPT_NOCACHE },
	{ "quiet", 'q', HUSH_OPT_NONE, NULL, "print errors only on stderr", OPT_QUIET },
	{ "verbose", 'v', HUSH_OPT_NONE, NULL, "say more on stderr (twice: debug)", OPT_VERBOSE },
	{ "help", 'h', HUSH_OPT_NONE, NULL, "show this help", OPT_HELP },
	{ NULL, 0, HUSH_OPT_NONE, NULL, NULL, 0 },
};

/* `hush context` adds these to the common options. */
static const struct hush_opt context_only_opts[] = {
	{ "file", 'f', HUSH_OPT_VALUE, "FILE", "the Dockerfile (default: DIR/Dockerfile)", OPT_FILE },
	{ "explain", 0, HUSH_OPT_VALUE, "PATH", "say whether PATH is sent and which .dockerignore line decides (repeatable)", OPT_EXPLAIN },
	{ "list", 0, HUSH_OPT_NONE, NULL, "list the files that would be sent, and their total size", OPT_LIST },
	{ "null", 'z', HUSH_OPT_NONE, NULL, "with --list: separate paths with NUL", OPT_NULL },
	{ NULL, 0, HUSH_OPT_NONE, NULL, NULL, 0 },
};

/* `hush image` adds these. */
static const struct hush_opt image_only_opts[] = {
	{ "platform", 0, HUSH_OPT_VALUE, "OS/ARCH", "scan only this platform of a multi-platform image (os/arch[/variant])", OPT_PLATFORM },
	{ "tag", 0, HUSH_OPT_VALUE, "TAG", "scan only the image tagged TAG (a RepoTags entry or ref.name annotation)", OPT_TAG },
	{ "max-layer-size", 0, HUSH_OPT_VALUE, "SIZE", "stop when a layer decompresses to more than SIZE (default 32G)", OPT_MAXLAYER },
	{ "max-image-size", 0, HUSH_OPT_VALUE, "SIZE", "stop when all layers decompress to more than SIZE (default 128G)", OPT_MAXIMAGE },
	{ NULL, 0, HUSH_OPT_NONE, NULL, NULL, 0 },
};

#define N_SCAN_OPTS (sizeof(scan_opts) / sizeof(*scan_opts) - 1)
#define N_CONTEXT_ONLY (sizeof(context_only_opts) / sizeof(*context_only_opts) - 1)
static struct hush_opt context_opts[N_SCAN_OPTS + N_CONTEXT_ONLY + 1];
#define N_IMAGE_ONLY (sizeof(image_only_opts) / sizeof(*image_only_opts) - 1)
static struct hush_opt image_opts[N_SCAN_OPTS + N_IMAGE_ONLY + 1];

/* The image table is the common one plus its own, built once. */
static const struct hush_opt *image_opts_get(void)
{
	if (!image_opts[0].name) {
		memcpy(image_opts, image_only_opts,
			N_IMAGE_ONLY * sizeof(*image_opts));
		memcpy(image_opts + N_IMAGE_ONLY, scan_opts,
			(N_SCAN_OPTS + 1) * sizeof(*image_opts));
	}
	return image_opts;
}

/* The context table is the common one plus its own, built once. */
static const struct hush_opt *opts_for(bool context)
{
	if (!context)
		return scan_opts;
	if (!context_opts[0].name) {
		memcpy(context_opts, context_only_opts,
			N_CONTEXT_ONLY * sizeof(*context_opts));
		memcpy(context_opts + N_CONTEXT_ONLY, scan_opts,
			(N_SCAN_OPTS + 1) * sizeof(*context_opts));
	}
	return context_opts;
}

/* `hush git` adds these to the common options. */
static const struct hush_opt git_only_opts[] = {
	{ "staged", 0, HUSH_OPT_NONE, NULL, "scan only what the index holds that HEAD does not (pre-commit)", OPT_STAGED },
	{ "since", 0, HUSH_OPT_VALUE, "REV", "scan only what the refs reach and REV does not", OPT_SINCE },
	{ "branch", 0, HUSH_OPT_VALUE, "REF", "scan only what REF reaches (repeatable)", OPT_BRANCH },
	{ NULL, 0, HUSH_OPT_NONE, NULL, NULL, 0 },
};

#define N_GIT_ONLY (sizeof(git_only_opts) / sizeof(*git_only_opts) - 1)
static struct hush_opt git_opts[N_SCAN_OPTS + N_GIT_ONLY + 1];

static const struct hush_opt *git_opts_table(void)
{
	if (!git_opts[0].name) {
		memcpy(git_opts, git_only_opts, N_GIT_ONLY * sizeof(*git_opts));
		memcpy(git_opts + N_GIT_ONLY, scan_opts,
			(N_SCAN_OPTS + 1) * sizeof(*git_opts));
	}
	return git_opts;
}

static const char env_help[] =
	"Environment:\n"
	"  XDG_CACHE_HOME   database cache in $XDG_CACHE_HOME/hush (default ~/.cache/hush)\n"
	"  HOME             used for the default cache folder\n"
	"  NO_COLOR         no colour in text output when set\n";

static const char exit_help[] =
	"Exit codes: 0 clean, 1 findings, 2 usage or rule error, 3 error or\n"
	"incomplete scan (wins over 1).\n";

void cli_usage(bool to_stdout)
{
	FILE *f = to_stdout ? stdout : stderr;

	fprintf(f,
		"usage: hush COMMAND [OPTIONS] ...\n\n"
		"Commands:\n"
		"  dir [OPTIONS] PATH...   scan files and folders; '-' reads stdin\n"
		"  context [OPTIONS] [DIR] check a docker build context, its\n"
		"                          .dockerignore and its Dockerfile\n"
		"  image [OPTIONS] IMAGE   scan a container image layer by layer: a\n"
		"                          docker save tar, OCI folder or OCI archive\n"
		"  git [OPTIONS] [REPO]    scan a git repository's whole history\n"
		"  rules list              list the rules\n"
		"  rules check [FILE...]   compile the rules and check their examples\n"
		"  rules export            print each rule's pattern, one per line\n\n"
		"Run 'hush COMMAND --help' for a command's options.\n"
		"  --version               print the version\n\n%s\n%s",
		env_help, exit_help);
}

static void git_help(void)
{
	printf("usage: hush git [OPTIONS] [REPO]\n\n"
	       "Scan every blob and commit message in the object database of\n"
	       "REPO (default '.': a work tree, a bare repository or a .git\n"
	       "folder), reachable or not, each once. A finding names the first\n"
	       "commit and path that brought it in, oldest first over all refs,\n"
	       "or says that no ref reaches it.\n\nOptions:\n");
	hush_opt_help(stdout, git_opts_table());
	printf("\n%s\n%s", env_help, exit_help);
}

static void scan_help(const char *cmd, bool context)
{
	if (!strcmp(cmd, "image")) {
		printf("usage: hush image [OPTIONS] IMAGE\n\n"
		       "Scan a container image: every file of every layer (deleted\n"
		       "and overwritten files too, with the layer that removed them),\n"
		       "and the config's Env, Labels and history. IMAGE is a `docker\n"
		       "save` tarball, an OCI layout folder or an OCI archive; it is\n"
		       "read in place, never extracted.\n\nOptions:\n");
		hush_opt_help(stdout, image_opts_get());
		printf("\n%s\n%s", env_help, exit_help);
		return;
	}
	if (context)
		printf("usage: hush context [OPTIONS] [DIR]\n\n"
		       "Check what `docker build DIR` would send: the files that\n"
		       ".dockerignore lets through (for BuildKit and the legacy\n"
		       "builder), sensitive files among them, secrets in their\n"
		       "content, and the Dockerfile's instructions.\n\nOptions:\n");
	else
		printf("usage: hush %s [OPTIONS] PATH...\n\n"
		       "Scan files and folders for secrets. Folders are walked without\n"
		       "following symlinks; .git folders are skipped; '-' reads stdin.\n"
		       "A .hushignore file at a folder's root lists paths and\n"
		       "fingerprints to skip.\n\nOptions:\n",
			cmd);
	hush_opt_help(stdout, opts_for(context));
	printf("\n%s\n%s", env_help, exit_help);
}

void cli_config_dispose(struct cli_config *c)
{
	strlist_dispose(&c->rule_files);
	strlist_dispose(&c->only);
	strlist_dispose(&c->paths);
	strlist_dispose(&c->explain);
	strlist_dispose(&c->branches);
	free(c->cache_dir);
	memset(c, 0, sizeof(*c));
}

static int parse_size(size_t *out, const char *s)
{
	char *end = NULL;
	unsigned long long v;
	unsigned long long mul = 1;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1024ull; end++; break;
	case 'm': case 'M': mul = 1024ull * 1024; end++; break;
	case 'g': case 'G': mul = 1024ull * 1024 * 1024; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v > (unsigned long long)SIZE_MAX / mul)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

static char *default_cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	struct hush_buf b = HUSH_BUF_INIT(HUSH_MAX_PATH);

	/* XDG base dir spec: a relative XDG_CACHE_HOME is ignored */
	if (xdg && xdg[0] == '/') {
		(void)mkdir(xdg, 0700);
		if (hush_buf_printf(&b, "%s/hush", xdg) < 0)
			return NULL;
	} else if (home && home[0] == '/') {
		if (hush_buf_printf(&b, "%s/.cache", home) < 0)
			return NULL;
		(void)mkdir(b.ptr, 0700);
		if (hush_buf_puts(&b, "/hush") < 0)
			return NULL;
	} else {
		return NULL;
	}
	return hush_buf_detach(&b);
}

int cli_parse_scan(struct cli_config *c, const char *cmd, int argc, char **argv)
{
	bool context = !strcmp(cmd, "context"), git = !strcmp(cmd, "git");
	bool image = !strcmp(cmd, "image");
	struct hush_opt_parser p;
	const char *v;
	int id, level = HUSH_LOG_WARN;
	bool no_cache = false, no_color = false;
	long n;

	memset(c, 0, sizeof(*c));
	c->report.command = cmd;
	c->chunk = HUSH_DEFAULT_CHUNK;
	c->progress = true;
	c->decode = true;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	c->jobs = n > 0 ? (unsigned)n : 1;
	c->max_layer = HUSH_DEFAULT_MAX_LAYER_BYTES;
	c->max_image = HUSH_DEFAULT_MAX_IMAGE_BYTES;
	hush_opt_parser_init(&p, git ? git_opts_table() :
		image ? image_opts_get() : opts_for(context),
		argc, argv);
	while ((id = hush_opt_next(&p, &v, false)) != HUSH_OPT_END) {
		switch (id) {
		case HUSH_OPT_ERROR:
			return HUSH_EUSAGE;
		case HUSH_OPT_ARG:
			if (strlist_add(&c->paths, v, strlen(v)) < 0)
				return HUSH_ENOMEM;
			break;
		case OPT_FORMAT:
			if (report_format_parse(&c->report.format, v) < 0)
				return HUSH_EUSAGE;
			break;
		case OPT_OUTPUT:
			c->output = v;
			break;
		case OPT_RULES:
			if (strlist_add(&c->rule_files, v, strlen(v)) < 0)
				return HUSH_ENOMEM;
			break;
		case OPT_ONLY:
			if (strlist_add(&c->only, v, strlen(v)) < 0)
				return HUSH_ENOMEM;
			break;
		case OPT_BASELINE:
			c->baseline = v;
			break;
		case OPT_SHOW:
			c->report.show_secrets = true;
			break;
		case OPT_JOBS: {
			char *end = NULL;

			errno = 0;
			n = strtol(v, &end, 10);
			if (errno || *end || n < 1 || n > (long)HUSH_MAX_JOBS)
				return hush_err_set(HUSH_EUSAGE,
					"-j needs a number from 1 to %u", HUSH_MAX_JOBS);
			c->jobs = (unsigned)n;
			break;
		}
		case OPT_MAXSIZE:
			if (parse_size(&c->chunk, v) < 0 || c->chunk < 1024 * 1024 ||
			    c->chunk > HUSH_MAX_CHUNK)
				return hush_err_set(HUSH_EUSAGE,
					"--max-file-size needs a size from 1M to %uM",
					HUSH_MAX_CHUNK / (1024 * 1024));
			break;
		case OPT_BINARY:
			c->binary = true;
			break;
		case OPT_NODECODE:
			c->decode = false;
			break;
		case OPT_NOPROGRESS:
			c->progress = false;
			break;
		case OPT_NOCOLOR:
			no_color = true;
			break;
		case OPT_NOCACHE:
			no_cache = true;
			break;
		case OPT_QUIET:
			level = HUSH_LOG_QUIET;
			break;
		case OPT_VERBOSE:
			if (level < HUSH_LOG_DEBUG)
				level = level < HUSH_LOG_WARN ? HUSH_LOG_INFO : level + 1;
			break;
		case OPT_HELP:
			if (git)
				git_help();
			else
				scan_help(cmd, context);
			return 1;
		case OPT_FILE:
			c->dockerfile = v;
			break;
		case OPT_EXPLAIN:
			if (strlist_add(&c->explain, v, strlen(v)) < 0)
				return HUSH_ENOMEM;
			break;
		case OPT_LIST:
			c->list = true;
			break;
		case OPT_NULL:
			c->null_sep = true;
			break;
		case OPT_PLATFORM:
			c->platform = v;
			break;
		case OPT_TAG:
			c->tag = v;
			break;
		case OPT_MAXLAYER:
		case OPT_MAXIMAGE: {
			size_t sz;

			if (parse_size(&sz, v) < 0 || sz == 0)
				return hush_err_set(HUSH_EUSAGE,
					"--%s needs a size such as 512M or 40G",
					id == OPT_MAXLAYER ? "max-layer-size" :
							     "max-image-size");
			if (id == OPT_MAXLAYER)
				c->max_layer = sz;
			else
				c->max_image = sz;
			break;
		}
		case OPT_STAGED:
			c->staged = true;
			break;
		case OPT_SINCE:
			c->since = v;
			break;
		case OPT_BRANCH:
			if (strlist_add(&c->branches, v, strlen(v)) < 0)
				return HUSH_ENOMEM;
			break;
		}
	}
	hush_log_setup("hush", (enum hush_log_level)level);
	if (context) {
		if (c->paths.len > 1)
			return hush_err_set(HUSH_EUSAGE,
				"context: one DIR at most, got '%s' too", c->paths.v[1]);
		if (c->paths.len == 0 && strlist_add(&c->paths, ".", 1) < 0)
			return HUSH_ENOMEM;
		if (c->null_sep && !c->list)
			return hush_err_set(HUSH_EUSAGE, "context: -z needs --list");
	} else if (image && c->paths.len != 1) {
		return hush_err_set(HUSH_EUSAGE, "image: give one IMAGE%s%s%s",
			c->paths.len ? ", got '" : "",
			c->paths.len ? c->paths.v[1] : "",
			c->paths.len ? "' too" : "");
	} else if (git) {
		if (c->paths.len > 1)
			return hush_err_set(HUSH_EUSAGE,
				"git: one REPO at most, got '%s' too", c->paths.v[1]);
		if (c->paths.len == 0 && strlist_add(&c->paths, ".", 1) < 0)
			return HUSH_ENOMEM;
		if (c->staged && (c->since || c->branches.len))
			return hush_err_set(HUSH_EUSAGE,
				"git: --staged does not go with --since or --branch");
	} else if (c->paths.len == 0) {
		return hush_err_set(HUSH_EUSAGE, "%s: no PATH given", cmd);
	}
	c->report.color = !no_color && !getenv("NO_COLOR") && !c->output &&
			  c->report.format == REPORT_TEXT && isatty(1);
	if (level == HUSH_LOG_QUIET)
		c->progress = false;
	if (!no_cache)
		c->cache_dir = default_cache_dir();
	return 0;
}

int cli_load_rules(struct rules *rs, const struct cli_config *c)
{
	size_t i;
	int error;

	if ((error = rules_load_embedded(rs)) < 0)
		return error;
	for (i = 0; i < c->rule_files.len; i++)
		if ((error = rules_load_file(rs, c->rule_files.v[i])) < 0)
			return error;
	if ((error = rules_check_unique(rs)) < 0)
		return error;
	if (c->only.len && (error = rules_keep_only(rs, &c->only)) < 0)
		return error;
	return 0;
}

char *cli_cache_dir(void)
{
	return default_cache_dir();
}
