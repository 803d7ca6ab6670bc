/* SPDX-License-Identifier: MIT */
/* finding.h - one confirmed secret at one place, and the list of them */
#ifndef HUSH_FINDING_H
#define HUSH_FINDING_H

#include <stdbool.h>
#include <stddef.h>

struct rule;

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
};

struct findings {
	struct finding *v;
	size_t len, alloc;
};

void finding_dispose(struct finding *f);
/** @return 0 or HUSH_ENOMEM; f is moved into the list (or disposed). */
int findings_push(struct findings *l, struct finding *f);
/** Move every finding of src to the end of dst; src is left empty. */
int findings_move(struct findings *dst, struct findings *src);
void findings_dispose(struct findings *l);

#endif
