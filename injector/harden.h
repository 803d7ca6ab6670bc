/* SPDX-License-Identifier: MIT */
/*
 * harden.h - process hardening: no core dumps, not dumpable (so neither
 * ptrace nor /proc/PID/mem, environ or maps are open to other users),
 * memory locked; and for the child, no new privileges, the target user
 * with root not regainable, and no inherited file descriptors.
 */
#ifndef HUSH_INJECT_HARDEN_H
#define HUSH_INJECT_HARDEN_H

#include <stdbool.h>
#include <sys/resource.h>

#include "config.h"

/* What harden_self() changed that the child should get back. */
struct harden_saved {
	struct rlimit core;
	bool core_saved;
};

/**
 * Harden this process: PR_SET_DUMPABLE 0, RLIMIT_CORE soft limit 0, and
 * mlockall(MCL_CURRENT|MCL_FUTURE) when RLIMIT_MEMLOCK leaves room for it
 * (HUSH_INJECT_MLOCK_MIN) or CAP_IPC_LOCK lifts the limit; otherwise a
 * warning, or an error when require_mlock.
 * @return 0 or HUSH_EIO
 */
int harden_self(struct harden_saved *saved, bool require_mlock);

/** Give the child the core limit it would have had without us. */
void harden_restore(const struct harden_saved *saved);

/**
 * PR_SET_NO_NEW_PRIVS; then, when user->set, setgroups to its group only,
 * setgid, setuid, and a check that neither uid 0 nor gid 0 can be
 * regained (unless the target is root itself).
 * @return 0 or HUSH_EIO naming the step
 */
int harden_drop(const struct inject_owner *user);

/**
 * Close every descriptor above 2 but keep (-1: none), which is made
 * close-on-exec (close_range, or /proc/self/fd).
 * @return 0 or HUSH_EIO
 */
int harden_close_fds(int keep);

#endif
