/* SPDX-License-Identifier: MIT */
/* cli.h - option tables, help text and config for each hush command */
#ifndef HUSH_CLI_H
#define HUSH_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"
#include "rules.h"

/* What a command tells main.c, which alone turns it into an exit code. */
struct cmd_result {
	int error;          /* 0 or a negative hush_err (message already set) */
	size_t findings;    /* findings reported */
	bool incomplete;    /* warnings: something was not scanned */
	bool done;          /* --help or --version: exit 0 */
};

struct cli_config {
	struct report_opts report;
	const char *output;      /* NULL: stdout */
	const char *baseline;
	struct strlist rule_files;
	struct strlist only;
	struct strlist paths;
	unsigned jobs;
	size_t chunk;
	bool progress;
	bool binary;
	bool decode;
	char *cache_dir;         /* owned; NULL with --no-cache */
	/* hush context */
	const char *dockerfile;  /* -f; NULL: DIR/Dockerfile */
	struct strlist explain;  /* --explain PATH... */
	bool list;               /* --list */
	bool null_sep;           /* -z */
	/* hush image */
	const char *platform;    /* --platform os/arch[/variant] */
	const char *tag;         /* --tag */
	unsigned long long max_layer; /* --max-layer-size */
	unsigned long long max_image; /* --max-image-size */
	/* hush git */
	bool staged;             /* --staged */
	const char *since;       /* --since REV */
	struct strlist branches; /* --branch REF... */
};

void cli_config_dispose(struct cli_config *c);

/**
 * Parse the options of a scanning command: `dir`, or `context` with its own
 * options too (`git` and `image` later).
 * @return 0, HUSH_EUSAGE (message set), or 1 when --help was printed
 */
int cli_parse_scan(struct cli_config *out, const char *cmd, int argc,
	char **argv);

/** Print the top-level usage to stdout (help) or stderr (error). */
void cli_usage(bool to_stdout);

/** Load the embedded rules, --rules files and --only into rs. */
int cli_load_rules(struct rules *rs, const struct cli_config *c);

/** The database cache folder, created if missing; owned, NULL if none. */
char *cli_cache_dir(void);

struct allow_fps;
struct scan;
struct findings;
struct engine;
struct rules;
struct scan;

struct allow_fps;

/**
 * Load c's rules (the embedded ones, --rules, --only), then more's (check
 * rules a command adds; NULL for none), and --baseline into fps.
 * @return 0, a rule error, or HUSH_EUSAGE for a baseline that cannot be read
 */
int cmd__load(struct rules *rules, struct allow_fps *fps,
	const struct cli_config *c, int (*more)(struct rules *rules));

/**
 * The engine for rules (the database from the cache, else compiled) with
 * c's cache folder and base64 setting, and a scan on it with c's -j,
 * --max-file-size, binary and progress settings. Not started.
 * @param[out] engine, scan the caller frees both (scan first)
 */
int cmd__scan_new(struct scan **scan, struct engine **engine,
	const struct rules *rules, const struct cli_config *c);

/** Drop findings whose fingerprint fps holds. @return how many */
size_t cmd__drop_known(struct findings *fs, const struct allow_fps *fps);

/**
 * Write the scan's findings in c's format to stdout or, atomically, to
 * --output. @param[out] unique distinct secrets reported
 */
int cmd__write_report(const struct cli_config *c, struct scan *s,
	size_t *unique);

struct cmd_result cmd_dir(int argc, char **argv);
struct cmd_result cmd_rules(int argc, char **argv);
struct cmd_result cmd_context(int argc, char **argv);
struct cmd_result cmd_image(int argc, char **argv);
struct cmd_result cmd_git(int argc, char **argv);

#endif
