/* SPDX-License-Identifier: MIT */
/*
 * rules.h - the rule table, parsed from the patterns folder (embedded at build
 * time) and --rules files. Knows nothing of Hyperscan or PCRE2.
 */
#ifndef HUSH_RULES_H
#define HUSH_RULES_H

#include <stdbool.h>
#include <stddef.h>

enum rule_severity {
	RULE_SEV_LOW = 0,
	RULE_SEV_MEDIUM,
	RULE_SEV_HIGH,
	RULE_SEV_CRITICAL,
};

struct strlist {
	char **v;
	size_t len;
};

struct rule {
	char *id;
	char *name;
	char *pattern;
	char *prefilter;   /* NULL: pattern goes into Hyperscan itself */
	char *description; /* may be NULL */
	char *confidence;  /* "high" unless given */
	char *file;        /* where it came from, for messages */
	unsigned line;     /* line of the rule in that file */
	enum rule_severity severity;
	double min_entropy; /* 0: no floor */
	unsigned window;    /* prefilter window, bytes each side */
	struct strlist keywords;
	struct strlist references;
	struct strlist examples;
	struct strlist negatives;
};

struct rules {
	struct rule *v;
	size_t len;
	size_t alloc;
};

/* An embedded rule file; the table ends with a NULL name. */
struct rules_embedded {
	const char *name;
	const unsigned char *data;
	size_t len;
};
extern const struct rules_embedded rules_embedded[];

void rules_init(struct rules *rs);
void rules_dispose(struct rules *rs);

/**
 * Parse one rule file and append its rules.
 * @return 0, HUSH_EPARSE ("FILE:LINE: rule ID: problem"), HUSH_ENOMEM
 */
int rules_load_buffer(struct rules *rs, const char *name,
	const unsigned char *data, size_t len);

/** Read FILE (bounded by HUSH_MAX_RULE_FILE) and parse it. */
int rules_load_file(struct rules *rs, const char *path);

/** Parse every embedded rule file. */
int rules_load_embedded(struct rules *rs);

/**
 * Append a check: a rule without a pattern, whose findings come from code
 * (a sensitive file in a build context, a Dockerfile instruction).
 * @return 0 or HUSH_ENOMEM
 */
int rules_add_check(struct rules *rs, const char *id, const char *name,
	enum rule_severity severity, const char *description);

/** The rule with this id, or NULL; borrowed from rs. */
const struct rule *rules_find(const struct rules *rs, const char *id);

/** Fail on a duplicate id; @return 0 or HUSH_EPARSE naming both places. */
int rules_check_unique(const struct rules *rs);

/** Keep only the rules whose id is in ids (comma-separated lists allowed). */
int rules_keep_only(struct rules *rs, const struct strlist *ids);

const char *rules_severity_name(enum rule_severity s);

/** Append a copy of s; @return 0 or HUSH_ENOMEM */
int strlist_add(struct strlist *l, const char *s, size_t len);
void strlist_dispose(struct strlist *l);

#endif
