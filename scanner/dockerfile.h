/* SPDX-License-Identifier: MIT */
/*
 * dockerfile.h - a Dockerfile parser that follows BuildKit's
 * frontend/dockerfile/parser (directives, continuations, heredocs, JSON and
 * shell forms, flags, stages), and the Dockerfile checks of hush context:
 * secret-looking ARG/ENV names, sensitive COPY/ADD sources, ADD from URLs and
 * credentials passed to RUN. Secret values are the rule engine's job.
 */
#ifndef HUSH_DOCKERFILE_H
#define HUSH_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"

/* A heredoc body attached to RUN, COPY or ADD (also under ONBUILD). */
struct dockerfile_heredoc {
	char *name;      /* the delimiter word, quotes removed */
	char *body;      /* the lines between, newlines and tabs kept */
	size_t body_len;
	unsigned line;   /* the line of the body's first line */
	unsigned fd;     /* 3<<EOF: 3; 0 when not given */
	bool chomp;      /* <<-: leading tabs are stripped (COPY, ADD) */
	bool expand;     /* the delimiter was unquoted: variables expand */
};

/* A name and value of ENV, LABEL or ARG, quotes removed, '$' kept. */
struct dockerfile_kv {
	char *key;
	char *value; /* NULL: an ARG without a default */
};

enum dockerfile_form {
	DOCKERFILE_FORM_SHELL = 0, /* args is a command line or plain words */
	DOCKERFILE_FORM_JSON,      /* exec form: argv holds the JSON strings */
};

/* The start of a physical line inside an instruction's joined text. */
struct dockerfile_seg {
	size_t off;
	unsigned line;
};

/*
 * One instruction. What is filled depends on the keyword:
 *   RUN CMD ENTRYPOINT SHELL  args; JSON form: argv as well
 *   COPY ADD VOLUME           argv: the JSON strings, or the words split on
 *                             blanks with quotes kept as written (BuildKit
 *                             removes them later, when it expands words)
 *   FROM EXPOSE               argv: words split on blanks
 *   HEALTHCHECK               argv[0] the type (CMD, NONE); JSON: the rest
 *   ENV LABEL ARG             kv
 *   MAINTAINER STOPSIGNAL USER WORKDIR  args
 *   ONBUILD                   sub: the trigger instruction (its lines and
 *                             stage are the ONBUILD's; heredocs stay here)
 * args is always the text after the keyword and the flags, continuation
 * lines joined as BuildKit joins them (escape character and the blanks after
 * it removed, comment and blank lines dropped).
 */
struct dockerfile_instr {
	char *keyword;               /* uppercase: "RUN" */
	unsigned start_line, end_line; /* 1-based, inclusive; heredoc bodies in */
	int stage;                   /* build stage index; -1 before FROM */
	char **flags;                /* "--mount=type=secret,id=x", unquoted */
	size_t nflags;
	enum dockerfile_form form;
	char *args;
	char **argv;
	size_t argc;
	struct dockerfile_kv *kv;
	size_t nkv;
	struct dockerfile_heredoc *heredocs;
	size_t nheredocs;
	struct dockerfile_instr *sub; /* ONBUILD only */
	/* where args starts in the joined text, and its physical lines */
	size_t args_off;
	struct dockerfile_seg *segs;
	size_t nsegs;
};

struct dockerfile_stage {
	char *name;    /* the AS name, lowercased as BuildKit does; NULL: none */
	char *base;    /* the image or stage it starts FROM, as written */
	unsigned line; /* the FROM line */
};

struct dockerfile {
	char *path;     /* as given to dockerfile_parse, for messages */
	struct dockerfile_instr *v;
	size_t len;
	struct dockerfile_stage *stages;
	size_t nstages;
	char escape;    /* '\\' or '`' (# escape=) */
	char *syntax;   /* the # syntax= value, NULL when absent */
	char *check;    /* the # check= value, NULL when absent */
	bool skip_secrets_check; /* check=skip=SecretsUsedInArgOrEnv or all */
};

/**
 * Parse a Dockerfile as BuildKit does. Errors are the ones BuildKit reports
 * at parse time: an unknown instruction, an instruction other than ARG
 * before the first FROM ("no build stage in current context"), an
 * unterminated heredoc, a bad directive, a JSON array with other than
 * strings, an ENV or LABEL without '=', a malformed FROM, a line over 65535
 * bytes. A JSON array that does not parse is not an error: the instruction
 * falls back to the shell form. Unknown flags are kept, not rejected (new
 * BuildKit releases add flags).
 * @param[out] out owned by the caller, free with dockerfile_free
 * @param path the name used in messages
 * @return 0, HUSH_EPARSE ("PATH:LINE: message"), HUSH_ELIMIT (a
 *         HUSH_MAX_DOCKERFILE* or HUSH_MAX_HEREDOC limit, named) or
 *         HUSH_ENOMEM
 */
int dockerfile_parse(struct dockerfile **out, const char *path,
	const unsigned char *data, size_t len);

/**
 * Read PATH (bounded by HUSH_MAX_DOCKERFILE) and parse it.
 * @return as dockerfile_parse, and HUSH_ENOTFOUND or HUSH_EIO
 */
int dockerfile_load(struct dockerfile **out, const char *path);

/** Free a parsed Dockerfile; NULL is a no-op. */
void dockerfile_free(struct dockerfile *df);

/** The physical line holding byte off of in->args. */
unsigned dockerfile_line_at(const struct dockerfile_instr *in, size_t off);

/* A check: id, name, default severity and what it looks for. */
struct dockerfile_check_info {
	const char *id;
	const char *name;
	enum rule_severity severity;
	const char *description;
};

/* Every check, for registering them as rules (rules_add_check). */
extern const struct dockerfile_check_info dockerfile_checks[];
extern const size_t dockerfile_checks_len;

/*
 * One problem in a Dockerfile. subject never holds a secret: values are
 * shown redacted ("curl -u deploy:****").
 */
struct dockerfile_issue {
	unsigned line;       /* the physical line */
	const char *check;   /* a dockerfile_checks id: "dockerfile.secret_arg_env" */
	enum rule_severity severity; /* the check's, or the sensitive kind's */
	char *subject;       /* owned: the name, path or redacted value */
	char *message;       /* owned: one line, what and what to do instead */
};

struct dockerfile_issues {
	struct dockerfile_issue *v;
	size_t len, alloc;
	bool truncated; /* HUSH_MAX_DOCKERFILE_ISSUES reached; later ones dropped */
};

/**
 * Run every check on a parsed Dockerfile and append the issues, in line
 * order, to out (which starts zeroed or from an earlier call).
 * @return 0 or HUSH_ENOMEM; out keeps what was appended
 */
int dockerfile_check(struct dockerfile_issues *out,
	const struct dockerfile *df);

/** Free the issues; a zeroed list is a no-op. */
void dockerfile_issues_dispose(struct dockerfile_issues *l);

/**
 * BuildKit's SecretsUsedInArgOrEnv rule on an ARG or ENV name (the value is
 * never looked at); hush image applies it to the config's Env and build args.
 */
bool dockerfile_secret_name(const char *name);

#endif
