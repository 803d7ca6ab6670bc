/* SPDX-License-Identifier: MIT */
/*
 * opt.h - one option table per command drives both parsing and --help
 * (libgit2 cli_opt_spec, YARA args_option_t). The parser is reentrant: no
 * getopt globals, so subcommands can parse their own argv.
 */
#ifndef HUSH_OPT_H
#define HUSH_OPT_H

#include <stdbool.h>
#include <stdio.h>

enum hush_opt_arg {
	HUSH_OPT_NONE = 0,
	HUSH_OPT_VALUE = 1, /* --name VALUE, --name=VALUE, -xVALUE, -x VALUE */
};

struct hush_opt {
	const char *name;  /* long name without "--", NULL ends the table */
	int short_name;    /* 0 if none */
	enum hush_opt_arg arg;
	const char *argname; /* shown in --help, e.g. "FILE" */
	const char *help;    /* one line */
	int id;              /* returned by hush_opt_next */
};

struct hush_opt_parser {
	const struct hush_opt *opts;
	int argc;
	char **argv;
	int idx;          /* next argv index */
	const char *rest; /* remaining bundled short options */
	bool done;        /* saw "--" */
};

enum {
	HUSH_OPT_END = -1,  /* no more options; positional args start at idx */
	HUSH_OPT_ERROR = -2, /* bad option; message in hush_err_msg() */
	HUSH_OPT_ARG = -3,   /* a positional argument, in *value */
};

void hush_opt_parser_init(struct hush_opt_parser *p, const struct hush_opt *opts,
	int argc, char **argv);

/**
 * Next option or positional argument. Options and positionals may be mixed;
 * after "--" everything is positional, unless stop_at_dashdash is set, in
 * which case HUSH_OPT_END is returned and p->idx points after "--".
 * @param[out] value the option's value or the positional, borrowed from argv
 * @return the option's id, HUSH_OPT_ARG, HUSH_OPT_END or HUSH_OPT_ERROR
 */
int hush_opt_next(struct hush_opt_parser *p, const char **value,
	bool stop_at_dashdash);

/** Print the option table as help text, aligned. */
void hush_opt_help(FILE *f, const struct hush_opt *opts);

#endif
