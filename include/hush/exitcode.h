/* SPDX-License-Identifier: MIT */
/* exitcode.h - the documented exit codes of both binaries (README "Exit codes") */
#ifndef HUSH_EXITCODE_H
#define HUSH_EXITCODE_H

/* hush */
#define HUSH_EXIT_CLEAN 0    /* scan complete, nothing found */
#define HUSH_EXIT_FINDINGS 1 /* scan complete, findings reported */
#define HUSH_EXIT_USAGE 2    /* bad command line, bad rule or config */
#define HUSH_EXIT_ERROR 3    /* error or incomplete scan; wins over 1 */

/* hush-inject */
#define HUSH_INJECT_EXIT_USAGE 2
#define HUSH_INJECT_EXIT_FAILURE 3   /* fetch, decrypt, config, write */
#define HUSH_INJECT_EXIT_NOEXEC 126  /* program not executable */
#define HUSH_INJECT_EXIT_NOTFOUND 127 /* program not found */

#endif
