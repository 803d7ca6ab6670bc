/* SPDX-License-Identifier: MIT */
/*
 * limits.h - every size limit of hush, each with its reason. Each can be
 * overridden at build time (-DHUSH_MAX_...=N). A limit that is hit is reported
 * as a warning naming it, never applied silently.
 */
#ifndef HUSH_LIMITS_H
#define HUSH_LIMITS_H

/* Largest rule file (YAML) we parse; the biggest family file is ~60 KiB. */
#ifndef HUSH_MAX_RULE_FILE
#define HUSH_MAX_RULE_FILE (4u * 1024 * 1024)
#endif

/* Most rules in one run; Hyperscan ids are unsigned int. */
#ifndef HUSH_MAX_RULES
#define HUSH_MAX_RULES 10000u
#endif

/* Longest pattern source, in bytes. */
#ifndef HUSH_MAX_PATTERN
#define HUSH_MAX_PATTERN 8192u
#endif

/*
 * Default --max-file-size: bigger inputs are scanned in overlapping chunks of
 * this size, so memory does not grow with the file. Hyperscan takes an
 * unsigned int length, so the chunk must stay below 4 GiB.
 */
#ifndef HUSH_DEFAULT_CHUNK
#define HUSH_DEFAULT_CHUNK (64u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_CHUNK
#define HUSH_MAX_CHUNK (1024u * 1024 * 1024)
#endif

/*
 * Files up to this size are read into a per-worker buffer; larger ones are
 * mmapped. Small maps cost more than the copy: every munmap in a threaded
 * process interrupts the other workers' cores to flush their TLBs.
 */
#ifndef HUSH_READ_MAX
#define HUSH_READ_MAX (1024u * 1024)
#endif

/*
 * Confirmation window for rules whose pattern has no maximum width (and the
 * overlap between chunks): a match longer than this is not confirmed.
 */
#ifndef HUSH_MAX_MATCH_WINDOW
#define HUSH_MAX_MATCH_WINDOW (16u * 1024)
#endif

/* Default and largest prefilter window, bytes on each side of a hit. */
#ifndef HUSH_DEFAULT_PREFILTER_WINDOW
#define HUSH_DEFAULT_PREFILTER_WINDOW 256u
#endif
#ifndef HUSH_MAX_PREFILTER_WINDOW
#define HUSH_MAX_PREFILTER_WINDOW 4096u
#endif

/*
 * Candidate matches recorded by the Hyperscan callback per scanned chunk.
 * When full, the scan of that chunk stops and a warning names the item.
 */
#ifndef HUSH_MAX_CANDIDATES
#define HUSH_MAX_CANDIDATES 65536u
#endif

/* Confirmed findings kept per item (file, blob, member). */
#ifndef HUSH_MAX_FINDINGS_PER_ITEM
#define HUSH_MAX_FINDINGS_PER_ITEM 1000u
#endif

/* Findings kept per run, so memory stays bounded on a hostile tree. */
#ifndef HUSH_MAX_FINDINGS
#define HUSH_MAX_FINDINGS 1000000u
#endif

/* Longest secret we keep; longer captures (e.g. huge PEM blocks) are cut. */
#ifndef HUSH_MAX_SECRET
#define HUSH_MAX_SECRET (16u * 1024)
#endif

/* Base64 runs shorter than this are not decoded and rescanned. */
#ifndef HUSH_MIN_BASE64
#define HUSH_MIN_BASE64 32u
#endif
/* Longest base64 run decoded and rescanned. */
#ifndef HUSH_MAX_BASE64
#define HUSH_MAX_BASE64 (64u * 1024)
#endif

/* stdin is read into memory up to this size, then scanned in chunks. */
#ifndef HUSH_MAX_STDIN
#define HUSH_MAX_STDIN (256u * 1024 * 1024)
#endif

/* Deepest folder nesting walked (symlinks are never followed). */
#ifndef HUSH_MAX_DEPTH
#define HUSH_MAX_DEPTH 256u
#endif

/* Longest path we build while walking. */
#ifndef HUSH_MAX_PATH
#define HUSH_MAX_PATH 4096u
#endif

/* Work items queued between the walker and the workers. */
#ifndef HUSH_QUEUE_DEPTH
#define HUSH_QUEUE_DEPTH 256u
#endif

/* Worker threads at most (-j). */
#ifndef HUSH_MAX_JOBS
#define HUSH_MAX_JOBS 256u
#endif

/*
 * Objects listed from one git object database (hush git). Objects are
 * numbered with 32 bits and cost about 30 bytes each while the history is
 * walked; the largest public repositories hold about 10 million.
 */
#ifndef HUSH_MAX_GIT_OBJECTS
#define HUSH_MAX_GIT_OBJECTS 200000000u
#endif

/* Largest baseline or allowlist file read. */
#ifndef HUSH_MAX_BASELINE
#define HUSH_MAX_BASELINE (256u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_ALLOWLIST
#define HUSH_MAX_ALLOWLIST (4u * 1024 * 1024)
#endif

/* Bytes sniffed at the start of a file to decide whether it is binary. */
#ifndef HUSH_SNIFF_BYTES
#define HUSH_SNIFF_BYTES 8000u
#endif

/* Longest line shown in a snippet, and the context kept on each side. */
#ifndef HUSH_SNIPPET_CONTEXT
#define HUSH_SNIPPET_CONTEXT 40u
#endif

/*
 * Dockerfile parsing (hush context): the largest Dockerfile, its most lines,
 * the largest heredoc body and the most issues kept per Dockerfile. Real
 * Dockerfiles are a few KiB; these bound a hostile one.
 */
#ifndef HUSH_MAX_DOCKERFILE
#define HUSH_MAX_DOCKERFILE (4u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_DOCKERFILE_LINES
#define HUSH_MAX_DOCKERFILE_LINES 100000u
#endif
#ifndef HUSH_MAX_HEREDOC
#define HUSH_MAX_HEREDOC (1024u * 1024)
#endif
#ifndef HUSH_MAX_DOCKERFILE_ISSUES
#define HUSH_MAX_DOCKERFILE_ISSUES 10000u
#endif

/* Most patterns in one .dockerignore: real ones have tens. */
#ifndef HUSH_MAX_IGNORE_PATTERNS
#define HUSH_MAX_IGNORE_PATTERNS 100000u
#endif

/* Most entries read from one folder of a build context (sorted, so held). */
#ifndef HUSH_MAX_DIR_ENTRIES
#define HUSH_MAX_DIR_ENTRIES 1000000u
#endif

/*
 * hush-inject's command line and config: the largest config file (real
 * ones are a few KiB), the most secrets in one run, the longest secret
 * name (an environment variable name; NAME_FILE must fit too), the longest
 * ref, the largest template text and rendered template, the largest file
 * delivered, the child's environment (Linux allows 2 MiB of argv and
 * environment together) and the longest --refresh (30 days).
 */
#ifndef HUSH_MAX_INJECT_CONFIG
#define HUSH_MAX_INJECT_CONFIG (1024u * 1024)
#endif
#ifndef HUSH_MAX_INJECT_SECRETS
#define HUSH_MAX_INJECT_SECRETS 1024u
#endif
#ifndef HUSH_MAX_INJECT_NAME
#define HUSH_MAX_INJECT_NAME 128u
#endif
#ifndef HUSH_MAX_INJECT_REF
#define HUSH_MAX_INJECT_REF 4096u
#endif
#ifndef HUSH_MAX_INJECT_TEMPLATE
#define HUSH_MAX_INJECT_TEMPLATE (64u * 1024)
#endif
#ifndef HUSH_MAX_INJECT_FILE
#define HUSH_MAX_INJECT_FILE (16u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_CHILD_ENV
#define HUSH_MAX_CHILD_ENV (2u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_CHILD_ENV_VARS
#define HUSH_MAX_CHILD_ENV_VARS 65536u
#endif
#ifndef HUSH_MAX_INJECT_REFRESH
#define HUSH_MAX_INJECT_REFRESH (30L * 24 * 3600)
#endif

/*
 * mlockall(MCL_FUTURE) makes every later allocation fail once
 * RLIMIT_MEMLOCK is reached, so hush-inject locks all its memory only
 * when the limit leaves at least this much room (or CAP_IPC_LOCK lifts it).
 */
#ifndef HUSH_INJECT_MLOCK_MIN
#define HUSH_INJECT_MLOCK_MIN (256u * 1024 * 1024)
#endif

/*
 * age files (hush-inject): the largest encrypted file decrypted in memory
 * (sops data keys are tiny; whole sops binary files are the big case), the
 * most stanzas in one header (age writes one per recipient), the largest
 * identity file (age's own limit) and the most identities in it.
 */
#ifndef HUSH_MAX_AGE_FILE
#define HUSH_MAX_AGE_FILE (64u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_AGE_STANZAS
#define HUSH_MAX_AGE_STANZAS 1024u
#endif
#ifndef HUSH_MAX_AGE_KEYS_FILE
#define HUSH_MAX_AGE_KEYS_FILE (16u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_AGE_IDENTITIES
#define HUSH_MAX_AGE_IDENTITIES 4096u
#endif

/*
 * sops files (hush-inject): the largest sops file loaded (sops itself reads
 * whole files into memory; real ones are kilobytes), the deepest nesting of
 * maps and lists (also bounds recursion), the most tree nodes, the longest
 * mapping key and key path (the AAD), the largest IV accepted (sops writes
 * 32 bytes) and the largest decoded value.
 */
#ifndef HUSH_MAX_SOPS_FILE
#define HUSH_MAX_SOPS_FILE (64u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_SOPS_DEPTH
#define HUSH_MAX_SOPS_DEPTH 64u
#endif
#ifndef HUSH_MAX_SOPS_NODES
#define HUSH_MAX_SOPS_NODES 1000000u
#endif
#ifndef HUSH_MAX_SOPS_KEY
#define HUSH_MAX_SOPS_KEY 4096u
#endif
#ifndef HUSH_MAX_SOPS_PATH
#define HUSH_MAX_SOPS_PATH (64u * 1024)
#endif
#ifndef HUSH_MAX_SOPS_IV
#define HUSH_MAX_SOPS_IV 64u
#endif
#ifndef HUSH_MAX_SOPS_VALUE
#define HUSH_MAX_SOPS_VALUE (64u * 1024 * 1024)
#endif
/* Shamir key groups of one sops file: a share's x is one byte, so at most
 * 255 shares can exist. */
#ifndef HUSH_MAX_SOPS_GROUPS
#define HUSH_MAX_SOPS_GROUPS 255u
#endif
/* Output of SOPS_AGE_KEY_CMD: a keys file (HUSH_MAX_AGE_KEYS_FILE) at most;
 * more is refused rather than truncated. */
#ifndef HUSH_MAX_SOPS_KEY_CMD_OUTPUT
#define HUSH_MAX_SOPS_KEY_CMD_OUTPUT HUSH_MAX_AGE_KEYS_FILE
#endif

/*
 * Vault (hush-inject): the largest response body read (a KV entry or a
 * login reply is a few KiB; Vault's own request limit is 32 MiB, far more
 * than a secret to deliver), the most retries VAULT_MAX_RETRIES may ask
 * for, the longest address, path or mount name, and the largest token,
 * secret id or JWT file read.
 */
#ifndef HUSH_MAX_VAULT_BODY
#define HUSH_MAX_VAULT_BODY (1024u * 1024)
#endif
#ifndef HUSH_MAX_VAULT_RETRIES
#define HUSH_MAX_VAULT_RETRIES 100u
#endif
#ifndef HUSH_MAX_VAULT_PATH
#define HUSH_MAX_VAULT_PATH 2048u
#endif
#ifndef HUSH_MAX_VAULT_CRED_FILE
#define HUSH_MAX_VAULT_CRED_FILE (64u * 1024)
#endif

/*
 * Container images (hush image). JSON documents of an image (manifest.json,
 * index.json, manifests, configs) are kilobytes; a config with a long history
 * is under a MiB. Nested indexes are rare (one level in practice). Members of
 * the outer tar and entries of one layer bound the memory of their indexes.
 * Overlayfs stacks 128 layers at most; OCI sets no bound.
 */
#ifndef HUSH_MAX_IMAGE_JSON
#define HUSH_MAX_IMAGE_JSON (16u * 1024 * 1024)
#endif
#ifndef HUSH_MAX_IMAGE_NESTING
#define HUSH_MAX_IMAGE_NESTING 8u
#endif
#ifndef HUSH_MAX_IMAGE_MEMBERS
#define HUSH_MAX_IMAGE_MEMBERS 1000000u
#endif
#ifndef HUSH_MAX_LAYER_ENTRIES
#define HUSH_MAX_LAYER_ENTRIES 10000000u
#endif
#ifndef HUSH_MAX_IMAGE_LAYERS
#define HUSH_MAX_IMAGE_LAYERS 4096u
#endif
#ifndef HUSH_MAX_IMAGES
#define HUSH_MAX_IMAGES 1024u
#endif

/*
 * Decompression bombs: the default limits on the bytes one layer, and all
 * layers of one run, may decompress to (--max-layer-size, --max-image-size).
 * Real layers stay below a few GiB; the biggest images (CUDA, ML stacks)
 * reach tens of GiB.
 */
#ifndef HUSH_DEFAULT_MAX_LAYER_BYTES
#define HUSH_DEFAULT_MAX_LAYER_BYTES (32ull * 1024 * 1024 * 1024)
#endif
#ifndef HUSH_DEFAULT_MAX_IMAGE_BYTES
#define HUSH_DEFAULT_MAX_IMAGE_BYTES (128ull * 1024 * 1024 * 1024)
#endif

/*
 * Layer files are read into memory and queued for the workers: a file larger
 * than HUSH_IMAGE_PIECE goes in overlapping pieces of that size, and readers
 * wait while more than HUSH_IMAGE_INFLIGHT bytes are queued, so memory stays
 * bounded whatever the image holds. Layers are read by at most
 * HUSH_IMAGE_READERS threads at once.
 */
#ifndef HUSH_IMAGE_PIECE
#define HUSH_IMAGE_PIECE (4u * 1024 * 1024)
#endif
#ifndef HUSH_IMAGE_INFLIGHT
#define HUSH_IMAGE_INFLIGHT (48u * 1024 * 1024)
#endif
#ifndef HUSH_IMAGE_READERS
#define HUSH_IMAGE_READERS 8u
#endif

#endif
