/* SPDX-License-Identifier: MIT */
/* harden.c - no dumps, locked memory, privilege drop, fd hygiene; see harden.h */
#define _GNU_SOURCE /* prctl, setgroups, mlockall, syscall */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harden.h"
#include "hush/err.h"
#include "hush/log.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

#define CAP_IPC_LOCK_ 14

#if !defined(__SANITIZE_ADDRESS__)
/* CAP_IPC_LOCK in our effective set (/proc/self/status CapEff)? */
static bool has_ipc_lock(void)
{
	char line[256];
	unsigned long long caps = 0;
	bool found = false;
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "CapEff:", 7) == 0) {
			caps = strtoull(line + 7, NULL, 16);
			found = true;
			break;
		}
	}
	fclose(f);
	return found && (caps >> CAP_IPC_LOCK_ & 1);
}
#endif

static int lock_memory(bool require)
{
	struct rlimit ml;
	bool room;

#if defined(__SANITIZE_ADDRESS__)
	/* ASan reserves terabytes of shadow memory: never lock it all */
	(void)ml;
	(void)room;
	if (require)
		return hush_err_set(HUSH_EIO,
			"--require-mlock: not in a sanitizer build");
	hush_log_info("memory not locked: sanitizer build");
	return 0;
#else
	if (getrlimit(RLIMIT_MEMLOCK, &ml) < 0)
		return hush_err_set_errno(HUSH_EIO, "getrlimit(RLIMIT_MEMLOCK)");
	/* raising the soft limit up to the hard one needs no privilege */
	if (ml.rlim_cur != RLIM_INFINITY && ml.rlim_cur < ml.rlim_max) {
		ml.rlim_cur = ml.rlim_max;
		(void)setrlimit(RLIMIT_MEMLOCK, &ml);
		(void)getrlimit(RLIMIT_MEMLOCK, &ml);
	}
	/*
	 * With MCL_FUTURE every later mapping fails once the limit is
	 * reached, so a small limit would turn into random allocation
	 * failures: lock everything only with room to spare.
	 */
	room = ml.rlim_cur == RLIM_INFINITY ||
		ml.rlim_cur >= HUSH_INJECT_MLOCK_MIN || has_ipc_lock();
	if (room && mlockall(MCL_CURRENT | MCL_FUTURE) == 0) {
		hush_log_debug("memory locked (mlockall)");
		return 0;
	}
	if (room) {
		if (require)
			return hush_err_set_errno(HUSH_EIO, "mlockall");
		hush_log_warn("memory not locked: mlockall: %s; secret "
			"buffers are still locked one by one", strerror(errno));
		return 0;
	}
	if (require)
		return hush_err_set(HUSH_EIO,
			"--require-mlock: RLIMIT_MEMLOCK is %llu KiB and "
			"CAP_IPC_LOCK is not held: raise it (docker run "
			"--ulimit memlock=-1 or --cap-add IPC_LOCK)",
			(unsigned long long)ml.rlim_cur / 1024);
	hush_log_warn("memory not locked: RLIMIT_MEMLOCK is %llu KiB "
		"(docker run --ulimit memlock=-1 or --cap-add IPC_LOCK lifts "
		"it); secret buffers are still locked one by one",
		(unsigned long long)ml.rlim_cur / 1024);
	return 0;
#endif
}

int harden_self(struct harden_saved *saved, bool require_mlock)
{
	struct rlimit core;

	memset(saved, 0, sizeof(*saved));
	/* not dumpable: no core file, no ptrace, /proc/PID files owned by root */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return hush_err_set_errno(HUSH_EIO, "prctl(PR_SET_DUMPABLE)");
	if (getrlimit(RLIMIT_CORE, &saved->core) < 0)
		return hush_err_set_errno(HUSH_EIO, "getrlimit(RLIMIT_CORE)");
	saved->core_saved = true;
	/* soft limit only, so the child can get its own back */
	core = saved->core;
	core.rlim_cur = 0;
	if (setrlimit(RLIMIT_CORE, &core) < 0)
		return hush_err_set_errno(HUSH_EIO, "setrlimit(RLIMIT_CORE)");
	return lock_memory(require_mlock);
}

void harden_restore(const struct harden_saved *saved)
{
	if (saved->core_saved)
		(void)setrlimit(RLIMIT_CORE, &saved->core);
}

int harden_drop(const struct inject_owner *user)
{
	gid_t gid;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return hush_err_set_errno(HUSH_EIO,
			"prctl(PR_SET_NO_NEW_PRIVS)");
	if (!user->set)
		return 0;
	if (geteuid() != 0) {
		/* only root can switch; being the target already is fine */
		if (getuid() == user->uid && geteuid() == user->uid &&
		    getgid() == user->gid && getegid() == user->gid)
			return 0;
		return hush_err_set(HUSH_EIO,
			"--user %lu:%lu: cannot switch user, not running as "
			"root (running as %lu:%lu)", (unsigned long)user->uid,
			(unsigned long)user->gid, (unsigned long)geteuid(),
			(unsigned long)getegid());
	}
	gid = user->gid;
	if (setgroups(1, &gid) < 0)
		return hush_err_set_errno(HUSH_EIO, "--user: setgroups");
	if (setresgid(user->gid, user->gid, user->gid) < 0)
		return hush_err_set_errno(HUSH_EIO, "--user: setgid %lu",
			(unsigned long)user->gid);
	if (setresuid(user->uid, user->uid, user->uid) < 0)
		return hush_err_set_errno(HUSH_EIO, "--user: setuid %lu",
			(unsigned long)user->uid);
	if (user->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		return hush_err_set(HUSH_EIO,
			"--user %lu: root could be regained after setuid",
			(unsigned long)user->uid);
	if (user->uid != 0 && user->gid != 0 &&
	    (setgid(0) == 0 || setegid(0) == 0))
		return hush_err_set(HUSH_EIO,
			"--user %lu:%lu: group 0 could be regained after setgid",
			(unsigned long)user->uid, (unsigned long)user->gid);
	return 0;
}

static int close_from(unsigned lo, unsigned hi)
{
	if (lo > hi)
		return 0;
	return (int)syscall(SYS_close_range, lo, hi, 0U);
}

int harden_close_fds(int keep)
{
	DIR *d;
	struct dirent *e;
	int fds[256], n, i, dfd;
	long v;
	char *end;
	bool more = true;

	if (keep >= 0 && fcntl(keep, F_SETFD, FD_CLOEXEC) < 0)
		return hush_err_set_errno(HUSH_EIO, "fcntl(FD_CLOEXEC)");
	if (keep < 3) {
		if (close_from(3U, ~0U) == 0)
			return 0;
	} else if (close_from(3U, (unsigned)keep - 1) == 0 &&
		   close_from((unsigned)keep + 1, ~0U) == 0) {
		return 0;
	}
	/* kernels before 5.9: list /proc/self/fd, close, list again */
	while (more) {
		d = opendir("/proc/self/fd");
		if (d == NULL)
			return hush_err_set_errno(HUSH_EIO, "/proc/self/fd");
		dfd = dirfd(d);
		n = 0;
		more = false;
		while ((e = readdir(d)) != NULL) {
			v = strtol(e->d_name, &end, 10);
			if (*end || end == e->d_name || v <= 2 || v == dfd ||
			    v == keep)
				continue;
			if (n == (int)(sizeof(fds) / sizeof(*fds))) {
				more = true;
				break;
			}
			fds[n++] = (int)v;
		}
		closedir(d);
		for (i = 0; i < n; i++)
			(void)close(fds[i]);
	}
	return 0;
}
