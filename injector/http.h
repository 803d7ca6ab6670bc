/* SPDX-License-Identifier: MIT */
/*
 * http.h - the HTTP client of hush-inject, on libcurl; http.c is the only
 * injector file that includes <curl/curl.h>. One request at a time: http,
 * https (CA file or folder, client certificate, server name, skip-verify)
 * and unix sockets. Request and response bodies live in guarded secret
 * memory, and curl's own buffers come from an allocator that wipes every
 * block it frees, so no token or value lingers in freed heap memory.
 */
#ifndef HUSH_HTTP_H
#define HUSH_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "seal.h"

/* TLS settings; NULL strings are unset. */
struct http_tls {
	const char *ca_file;     /* PEM file of CA certificates */
	const unsigned char *ca_pem; /* or PEM text (VAULT_CACERT_BYTES) */
	size_t ca_pem_len;
	const char *ca_path;     /* folder of PEM CA files */
	const char *cert_file;   /* client certificate (PEM) */
	const char *key_file;    /* its private key (PEM) */
	const char *server_name; /* SNI and the name checked; else the host */
	bool insecure;           /* no certificate or host name check */
};

struct http_request {
	const char *method;       /* "GET", "PUT", "POST" */
	const char *url;          /* scheme://host[:port]/path[?query] */
	const char *unix_socket;  /* dial this socket instead; NULL: TCP */
	const char *proxy;        /* proxy URL; NULL or "": none */
	const char *no_proxy;     /* hosts without the proxy, or NULL */
	const char *namespace_;   /* X-Vault-Namespace, or NULL */
	const struct secret *token; /* X-Vault-Token, or NULL */
	const unsigned char *body; /* request body (may be secret memory) */
	size_t body_len;
	const struct http_tls *tls;
	long timeout_ms;          /* whole request; 0: none */
	size_t max_body;          /* response bodies above this: HUSH_ELIMIT */
	bool follow_redirect;     /* follow one 301, 302 or 307 (no downgrade) */
};

struct http_response {
	long status;              /* HTTP status */
	struct secret *body;      /* the body, NUL-terminated; never NULL on 0 */
	long retry_after;         /* seconds of Retry-After, or -1 */
	bool tls_error;           /* the failure was a certificate check */
	bool transport_error;     /* no HTTP status: connection, timeout... */
};

/**
 * Send one request and read the whole response. An HTTP error status is
 * not a failure here: it is returned in out->status for the caller.
 * Messages name `what` (the address and path, never a secret).
 * @param[out] out cleared first; release with http_response_clear()
 * @return 0, HUSH_EIO (connection, TLS, timeout: out->transport_error and
 *         out->tls_error tell which), HUSH_ELIMIT (body over max_body) or
 *         HUSH_ENOMEM
 */
int http_do(struct http_response *out, const struct http_request *req,
	const char *what);

/** Wipe and release the body; safe on a zeroed response. */
void http_response_clear(struct http_response *r);

/**
 * Parse a Retry-After value: delay-seconds or an IMF-fixdate (RFC 9110),
 * relative to now (unix seconds). @return seconds (0 for a past date), or
 * -1 when it is neither form
 */
long http_parse_retry_after(const char *value, long long now);

#endif
