/* SPDX-License-Identifier: MIT */
/* finding.h - one confirmed secret at one place, and the list of them */
#ifndef HUSH_FINDING_H
#define HUSH_FINDING_H

#include <stdbool.h>
#include <stddef.h>

struct rule;

/*
 * What a source knows of a place beyond its path: a commit and its author
 * (hush git), a layer and its history entry (hush image). Reports print
 * the pairs in order: text as "    key value" lines, JSON as string members
 * of the location. Keys are short lowercase words; values are not secret.
 */
struct finding_attr {
	char *key;   /* owned */
	char *value; /* owned */
};

/*
 * A secret found by a rule, or (message set, no secret) a finding of a
 * check such as a sensitive file in a build context or a Dockerfile
 * instruction; checks are rules without a pattern.
 */
struct finding {
	const struct rule *rule; /* borrowed from a rule table that outlives it */
	char *secret;         /* owned, NUL-terminated; NULL for a check */
	size_t secret_len;
	char *message;        /* owned; what a check found, NULL for a secret */
	bool has_severity;    /* severity overrides the rule's */
	int severity;         /* an enum rule_severity */
	char fingerprint[65]; /* hex sha256(rule id, NUL, secret or subject) */
	char secret_sha256[65];
	char *path;           /* owned; the place as the user named it */
	size_t line, column;  /* 1-based; column in bytes */
	bool decoded;         /* found in base64-decoded content */
	char *before, *after; /* owned snippet context on the same line */
	const char *kind;     /* static; the location's kind, NULL for "file" */
	size_t order;         /* sorts places before the path: the commit's
	                       * topological index, the layer's index; 0 */
	struct finding_attr *attrs; /* owned, nattrs of them */
	size_t nattrs;
};

struct findings {
	struct finding *v;
	size_t len, alloc;
};

void finding_dispose(struct finding *f);

/**
 * Append a key and value (both copied) to f's attributes.
 * @return 0 or HUSH_ENOMEM
 */
int finding_attr_add(struct finding *f, const char *key, const char *value);
/** @return 0 or HUSH_ENOMEM; f is moved into the list (or disposed). */
/**
 * Order of places: `order` (commit, layer), path, line, column, then
 * plain before base64-decoded. @return <0, 0 or >0 as strcmp
 */
int finding_cmp_place(const struct finding *a, const struct finding *b);

/** Fingerprint, then place: a sorted list holds each group as a run. */
int finding_cmp(const struct finding *a, const struct finding *b);

int findings_push(struct findings *l, struct finding *f);
/** Move every finding of src to the end of dst; src is left empty. */
int findings_move(struct findings *dst, struct findings *src);
void findings_dispose(struct findings *l);

#endif
