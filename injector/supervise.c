/* SPDX-License-Identifier: MIT */
/*
 * supervise.c - --supervise: hush-inject stays as the program's init, the
 * way tini does. One loop, sigtimedwait(): every handled signal stays
 * blocked and is taken synchronously, so no work happens in a signal
 * handler. Signals are forwarded to the child's process group, every
 * zombie is reaped (as PID 1, or as a child subreaper), the Vault token
 * and leases are renewed before they expire, --refresh reads the secrets
 * again, and changed files are rewritten and announced with
 * --reload-signal. When the child exits, the files are removed and its
 * status becomes ours (128+N for signal N, as sh does).
 * See: https://github.com/krallin/tini/blob/master/src/tini.c
 */
#define _GNU_SOURCE /* prctl, PR_SET_CHILD_SUBREAPER */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hush/err.h"
#include "hush/exitcode.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "run.h"

/* Milliseconds before a failed renewal is tried again. */
#define RETRY_MS 30000L

/*
 * Forwarded to the child's group: everything a container runtime, a
 * terminal or an operator sends. Not the synchronous faults (SEGV, BUS,
 * FPE, ILL, TRAP, ABRT, SYS), not KILL and STOP (cannot be caught), not
 * CHLD (ours) and not PIPE (about our own output).
 */
static const int forwarded[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM,
	SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, SIGPWR, SIGURG,
	SIGIO, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
};

struct sup {
	struct inject *in;
	pid_t child;
	bool done;
	int status;
	long token_due;    /* monotonic ms; 0: no token to renew */
	long refresh_due;  /* monotonic ms; 0: no --refresh */
	bool *changed;
};

static void token_schedule(struct sup *s, bool failed)
{
	long in;

	s->token_due = 0;
	if (s->in->refs.vault == NULL)
		return;
	if (failed) {
		s->token_due = inject_now() + RETRY_MS;
		return;
	}
	in = vault_token_renew_in(s->in->refs.vault);
	if (in > HUSH_MAX_INJECT_REFRESH)
		in = HUSH_MAX_INJECT_REFRESH;
	if (in >= 0)
		s->token_due = inject_now() + (in > 0 ? in : 1) * 1000;
}

static void forward(struct sup *s, int sig)
{
	/* the group first; the child may have left it (a job-control shell) */
	if (kill(-s->child, sig) < 0 && kill(s->child, sig) < 0 &&
	    errno != ESRCH)
		hush_log_warn("cannot forward %s: %s", config_signal_name(sig),
			strerror(errno));
	else
		hush_log_debug("forwarded %s", config_signal_name(sig));
}

static void reap(struct sup *s)
{
	pid_t pid;
	int st;

	/* every zombie, not only ours: orphans are re-parented to us */
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != s->child)
			continue;
		s->done = true;
		if (WIFEXITED(st))
			s->status = WEXITSTATUS(st);
		else if (WIFSIGNALED(st))
			s->status = 128 + WTERMSIG(st);
		else
			s->status = HUSH_INJECT_EXIT_FAILURE;
	}
}

/* Rewrite the changed files, then tell the child. */
static void publish(struct sup *s)
{
	size_t i;
	bool any = false;
	int sig = s->in->c->reload_signal;

	if (inject_rewrite(s->in, s->changed, &any) < 0)
		hush_log_warn("%s", hush_err_msg());
	for (i = 0; i < s->in->c->nenvs; i++) {
		size_t j;

		for (j = 0; j < s->in->c->nsecrets; j++)
			if (s->changed[j] && !strcmp(s->in->c->secrets[j].name,
					s->in->c->envs[i].secret))
				hush_log_warn("--env %s: secret %s changed; the "
					"child keeps the old value until it is "
					"restarted", s->in->c->envs[i].var,
					s->in->c->envs[i].secret);
	}
	memset(s->changed, 0, s->in->c->nsecrets * sizeof(*s->changed));
	if (!any)
		return;
	hush_log_info("secrets changed: sending %s to the child",
		config_signal_name(sig));
	if (kill(s->child, sig) < 0 && errno != ESRCH)
		hush_log_warn("cannot send %s to the child: %s",
			config_signal_name(sig), strerror(errno));
}

static void reread(struct sup *s, size_t i)
{
	struct inject_item *it = &s->in->items[i];
	bool changed = false;

	if (inject_reread(s->in, i, &changed) < 0) {
		hush_log_warn("secret %s (%s): %s; the file keeps its old "
			"content", it->cfg->name, it->cfg->ref, hush_err_msg());
		/* the old lease may still run: try again soon */
		if (it->due != 0)
			it->due = inject_now() + RETRY_MS;
		return;
	}
	s->changed[i] |= changed;
}

static void run_timers(struct sup *s)
{
	struct inject *in = s->in;
	struct inject_item *it;
	long now = inject_now();
	size_t i;
	int error;

	if (s->token_due != 0 && now >= s->token_due) {
		error = vault_token_renew(in->refs.vault);
		if (error < 0)
			hush_log_warn("%s", hush_err_msg());
		else
			hush_log_debug("token renewed");
		token_schedule(s, error < 0);
	}
	for (i = 0; i < in->c->nsecrets; i++) {
		it = &in->items[i];
		if (it->due == 0 || now < it->due)
			continue;
		if (!it->got.renewable) {
			reread(s, i);
			continue;
		}
		error = vault_lease_renew(in->refs.vault, &it->got);
		if (error == 0) {
			hush_log_debug("secret %s: lease renewed", it->cfg->name);
			inject_schedule(in, i);
		} else if (error == HUSH_EAUTH || error == HUSH_ENOTFOUND) {
			/* the lease is gone (max TTL, revoked): read again */
			reread(s, i);
		} else {
			hush_log_warn("secret %s: %s", it->cfg->name,
				hush_err_msg());
			it->due = now + RETRY_MS;
		}
	}
	if (s->refresh_due != 0 && now >= s->refresh_due) {
		/* leased secrets follow their lease, not --refresh */
		for (i = 0; i < in->c->nsecrets; i++)
			if (in->items[i].cfg->ref != NULL &&
			    in->items[i].got.lease_id[0] == '\0')
				reread(s, i);
		s->refresh_due = inject_now() + in->c->refresh * 1000;
	}
	publish(s);
}

/* The nearest deadline, or 0 for none. */
static long next_due(const struct sup *s)
{
	long due = 0;
	size_t i;

	if (s->token_due != 0)
		due = s->token_due;
	if (s->refresh_due != 0 && (due == 0 || s->refresh_due < due))
		due = s->refresh_due;
	for (i = 0; i < s->in->c->nsecrets; i++)
		if (s->in->items[i].due != 0 &&
		    (due == 0 || s->in->items[i].due < due))
			due = s->in->items[i].due;
	return due;
}

/* In the child: its own process group, in the terminal's foreground. */
static void child_start(struct inject *in, const sigset_t *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	(void)setpgid(0, 0);
	if (isatty(STDIN_FILENO)) {
		/* tcsetpgrp from a background group raises SIGTTOU */
		struct sigaction ign = sa, prev;

		ign.sa_handler = SIG_IGN;
		(void)sigaction(SIGTTOU, &ign, &prev);
		(void)tcsetpgrp(STDIN_FILENO, getpgrp());
		(void)sigaction(SIGTTOU, &prev, NULL);
	}
	(void)sigprocmask(SIG_SETMASK, old, NULL);
	_exit(inject_exec(in));
}

void supervise_run(struct inject_result *out, struct inject *in)
{
	struct sup s;
	sigset_t set, old;
	siginfo_t info;
	struct timespec ts;
	size_t i;
	long due, now;
	int sig, error = 0;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.status = HUSH_INJECT_EXIT_FAILURE;
	out->error = 0;
	out->status = 0;
	s.changed = calloc(in->c->nsecrets ? in->c->nsecrets : 1,
		sizeof(*s.changed));
	if (s.changed == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "out of memory");
		goto done;
	}
	sigemptyset(&set);
	for (i = 0; i < sizeof(forwarded) / sizeof(*forwarded); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &old) < 0) {
		error = hush_err_set_errno(HUSH_EIO, "sigprocmask");
		goto done;
	}
	/* orphans of our descendants come to us even when we are not PID 1 */
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		hush_log_warn("prctl(PR_SET_CHILD_SUBREAPER): %s; zombies of "
			"orphans are not reaped", strerror(errno));
	s.child = fork();
	if (s.child < 0) {
		error = hush_err_set_errno(HUSH_EIO, "fork");
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		goto done;
	}
	if (s.child == 0)
		child_start(in, &old);
	/* both sides set the group, so forwarding works from the start */
	(void)setpgid(s.child, s.child);
	hush_log_info("started %s as pid %ld", in->prog, (long)s.child);
	token_schedule(&s, false);
	if (in->c->refresh > 0)
		s.refresh_due = inject_now() + in->c->refresh * 1000;
	while (!s.done) {
		due = next_due(&s);
		now = inject_now();
		if (due == 0) {
			ts.tv_sec = 3600;
			ts.tv_nsec = 0;
		} else {
			ts.tv_sec = due > now ? (due - now) / 1000 : 0;
			ts.tv_nsec = due > now ? (due - now) % 1000 * 1000000 : 0;
		}
		sig = sigtimedwait(&set, &info, &ts);
		if (sig < 0 && errno != EAGAIN && errno != EINTR) {
			hush_log_warn("sigtimedwait: %s", strerror(errno));
			continue;
		}
		if (sig == SIGCHLD)
			reap(&s);
		else if (sig > 0)
			forward(&s, sig);
		if (!s.done)
			run_timers(&s);
	}
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	hush_log_info("the child exited with status %d", s.status);
	if (inject_remove_files(in) < 0)
		hush_log_warn("some files could not be removed");
done:
	free(s.changed);
	out->error = error;
	out->status = error < 0 ? 0 : s.status;
}
