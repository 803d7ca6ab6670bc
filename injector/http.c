/* SPDX-License-Identifier: MIT */
/*
 * http.c - one HTTP request through libcurl; the only injector file that
 * includes <curl/curl.h>.
 *
 * Secrets cross curl in three places: the X-Vault-Token header, request
 * bodies (secret ids, JWTs) and response bodies (tokens, values). Bodies
 * are read from and written to guarded secret memory. curl copies headers
 * and small bodies into its own heap blocks; curl_global_init_mem() gives
 * it an allocator that wipes each block when it is freed (as payload.c
 * does for cJSON), so they do not linger either.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "hush/err.h"
#include "hush/limits.h"
#include "hush/log.h"
#include "aesgcm.h"
#include "http.h"
#include "seal.h"

/* First size of a response buffer; it doubles up to the request's limit. */
#define HTTP_BODY_START 16384u

static int global_init(void)
{
	static bool done;

	/* once, before any other curl call; the injector is single-threaded */
	if (done)
		return 0;
	/* before curl initialises OpenSSL; a no-op when hush-inject's main
	 * already did it, or too late when OpenSSL has allocated */
	if (!aesgcm_wipe_allocator())
		hush_log_debug("OpenSSL was in use before the first Vault "
			"request: its buffers are not wiped on free");
	if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, seal_wipe_malloc,
		    seal_wipe_free, seal_wipe_realloc, seal_wipe_strdup,
		    seal_wipe_calloc) != CURLE_OK)
		return hush_err_set(HUSH_ERROR, "cannot initialise libcurl");
	done = true;
	return 0;
}

long http_parse_retry_after(const char *value, long long now)
{
	const char *p = value;
	long long n = 0;
	time_t t;

	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		for (; isdigit((unsigned char)*p); p++) {
			if (n > (LONG_MAX - 9) / 10)
				return -1;
			n = n * 10 + (*p - '0');
		}
		while (*p == ' ' || *p == '\t')
			p++;
		return *p == '\0' ? (long)n : -1;
	}
	if (*p == '\0')
		return -1;
	t = curl_getdate(p, NULL);
	if (t == (time_t)-1)
		return -1;
	if ((long long)t <= now)
		return 0;
	if ((long long)t - now > LONG_MAX)
		return -1;
	return (long)((long long)t - now);
}

/* The state of one transfer, for the callbacks. */
struct xfer {
	struct http_response *out;
	size_t max_body;
	bool too_big;
	int nomem;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *payload)
{
	struct xfer *x = payload;
	struct secret *b = x->out->body, *n = NULL;
	size_t len = size * nmemb, cap;

	if (len > x->max_body || b->len > x->max_body - len) {
		x->too_big = true;
		return 0;
	}
	if (b->len + len + 1 > b->cap) {
		cap = b->cap;
		while (cap < b->len + len + 1)
			cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
		if (cap > x->max_body + 1)
			cap = x->max_body + 1;
		if (secret_new(&n, cap) < 0) {
			x->nomem = 1;
			return 0;
		}
		memcpy(n->data, b->data, b->len);
		n->len = b->len;
		secret_free(b);
		x->out->body = b = n;
	}
	memcpy(b->data + b->len, ptr, len);
	b->len += len;
	b->data[b->len] = '\0';
	return len;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *payload)
{
	struct xfer *x = payload;
	size_t len = size * nmemb;
	char line[256];
	const char *name = "retry-after:";
	size_t i, n = strlen(name);

	/* a new status line: headers of an earlier response do not count */
	if (len >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
		x->out->retry_after = -1;
		return len;
	}
	if (len <= n || len >= sizeof(line))
		return len;
	for (i = 0; i < n; i++) {
		if (tolower((unsigned char)ptr[i]) != name[i])
			return len;
	}
	memcpy(line, ptr + n, len - n);
	line[len - n] = '\0';
	for (i = strlen(line); i > 0 && (line[i - 1] == '\r' ||
		     line[i - 1] == '\n' || line[i - 1] == ' ' ||
		     line[i - 1] == '\t'); i--)
		line[i - 1] = '\0';
	x->out->retry_after = http_parse_retry_after(line, (long long)time(NULL));
	return len;
}

void http_response_clear(struct http_response *r)
{
	secret_free(r->body);
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
}

static bool tls_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return true;
	default:
		return false;
	}
}

/*
 * With a server name, the URL's host becomes that name (SNI, certificate
 * check) and CONNECT_TO dials the original host and port.
 * @param[out] url_out, connect_out curl-allocated; curl_free() them
 */
static int apply_server_name(char **url_out, struct curl_slist **connect_out,
	const char *url, const char *server_name, const char *what)
{
	CURLU *u = NULL;
	char *host = NULL, *port = NULL, *line = NULL;
	struct curl_slist *l = NULL;
	size_t n;
	int error = HUSH_ENOMEM;

	*url_out = NULL;
	*connect_out = NULL;
	if ((u = curl_url()) == NULL) {
		hush_err_set(error, "%s: out of memory", what);
		goto done;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
		    CURLUE_OK ||
	    curl_url_set(u, CURLUPART_HOST, server_name, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, url_out, 0) != CURLUE_OK) {
		error = hush_err_set(HUSH_EUSAGE,
			"%s: cannot use the TLS server name \"%s\"", what,
			server_name);
		goto done;
	}
	n = strlen(server_name) + strlen(host) + 2 * strlen(port) + 4;
	if ((line = malloc(n)) == NULL) {
		hush_err_set(error, "%s: out of memory", what);
		goto done;
	}
	if (snprintf(line, n, "%s:%s:%s:%s", server_name, port, host, port) < 0 ||
	    (l = curl_slist_append(NULL, line)) == NULL) {
		hush_err_set(error, "%s: out of memory", what);
		goto done;
	}
	*connect_out = l;
	error = 0;
done:
	if (error < 0) {
		curl_free(*url_out);
		*url_out = NULL;
	}
	free(line);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return error;
}

/* Append "name: value" to *list; the line lives in guarded memory. */
static int add_header(struct curl_slist **list, const char *name,
	const unsigned char *value, size_t len, const char *what)
{
	struct secret *line = NULL;
	struct curl_slist *l;
	size_t n = strlen(name);
	int error;

	if ((error = secret_new(&line, n + len + 3)) < 0)
		return error;
	/* "Name:" with nothing after it removes a header curl would add */
	memcpy(line->data, name, n);
	line->data[n] = ':';
	if (len > 0) {
		line->data[n + 1] = ' ';
		memcpy(line->data + n + 2, value, len);
		line->data[n + 2 + len] = '\0';
	}
	l = curl_slist_append(*list, (const char *)line->data);
	secret_free(line);
	if (l == NULL)
		return hush_err_set(HUSH_ENOMEM, "%s: out of memory", what);
	*list = l;
	return 0;
}

static bool is_https(const char *url)
{
	return strncmp(url, "https://", 8) == 0;
}

/* One transfer to url; fills out (status, body, Retry-After). */
static int perform(struct http_response *out, const struct http_request *req,
	const char *url, char **location, const char *what)
{
	CURL *c = NULL;
	struct curl_slist *headers = NULL, *connect = NULL;
	struct xfer x;
	const struct http_tls *tls = req->tls;
	char errbuf[CURL_ERROR_SIZE] = "";
	char *named_url = NULL, *loc = NULL;
	struct curl_blob blob;
	CURLcode rc;
	int error = HUSH_ENOMEM;

	*location = NULL;
	http_response_clear(out);
	memset(&x, 0, sizeof(x));
	x.out = out;
	x.max_body = req->max_body;
	if ((error = secret_new(&out->body, HTTP_BODY_START <
			    req->max_body + 1 ? HTTP_BODY_START :
			    req->max_body + 1)) < 0)
		goto done;
	if ((c = curl_easy_init()) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "%s: out of memory", what);
		goto done;
	}
	if (tls != NULL && tls->server_name != NULL && is_https(url)) {
		if ((error = apply_server_name(&named_url, &connect, url,
			     tls->server_name, what)) < 0)
			goto done;
		url = named_url;
	}
	if ((error = add_header(&headers, "X-Vault-Request",
		     (const unsigned char *)"true", 4, what)) < 0)
		goto done;
	if (req->namespace_ != NULL && req->namespace_[0] != '\0' &&
	    (error = add_header(&headers, "X-Vault-Namespace",
		     (const unsigned char *)req->namespace_,
		     strlen(req->namespace_), what)) < 0)
		goto done;
	if (req->token != NULL && (error = add_header(&headers,
					   "X-Vault-Token", req->token->data,
					   req->token->len, what)) < 0)
		goto done;
	if (req->body != NULL && ((error = add_header(&headers, "Content-Type",
					   (const unsigned char *)"application/json",
					   16, what)) < 0 ||
				  (error = add_header(&headers, "Expect",
					   (const unsigned char *)"", 0, what)) < 0))
		goto done;
	error = HUSH_ERROR;
	rc = CURLE_OK;
#define SET(opt, val) \
	(rc == CURLE_OK ? (rc = curl_easy_setopt(c, opt, val)) : rc)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_HTTPHEADER, headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, &x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, &x);
	SET(CURLOPT_BUFFERSIZE, 16384L);
	SET(CURLOPT_TIMEOUT_MS, req->timeout_ms);
	SET(CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
	SET(CURLOPT_PROXY, req->proxy != NULL ? req->proxy : "");
	if (req->no_proxy != NULL)
		SET(CURLOPT_NOPROXY, req->no_proxy);
	if (req->unix_socket != NULL)
		SET(CURLOPT_UNIX_SOCKET_PATH, req->unix_socket);
	if (connect != NULL)
		SET(CURLOPT_CONNECT_TO, connect);
	if (req->body != NULL) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SET(CURLOPT_POSTFIELDS, req->body);
	} else if (strcmp(req->method, "GET") != 0) {
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
		SET(CURLOPT_POSTFIELDS, "");
	} else {
		SET(CURLOPT_HTTPGET, 1L);
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "POST") != 0)
		SET(CURLOPT_CUSTOMREQUEST, req->method);
	if (tls != NULL) {
		SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
		if (tls->ca_file != NULL) {
			SET(CURLOPT_CAINFO, tls->ca_file);
			SET(CURLOPT_CAPATH, NULL);
		} else if (tls->ca_pem != NULL) {
			blob.data = (void *)(uintptr_t)tls->ca_pem;
			blob.len = tls->ca_pem_len;
			blob.flags = CURL_BLOB_COPY;
			SET(CURLOPT_CAINFO_BLOB, &blob);
			SET(CURLOPT_CAPATH, NULL);
		} else if (tls->ca_path != NULL) {
			SET(CURLOPT_CAPATH, tls->ca_path);
			SET(CURLOPT_CAINFO, NULL);
		}
		if (tls->cert_file != NULL)
			SET(CURLOPT_SSLCERT, tls->cert_file);
		if (tls->key_file != NULL)
			SET(CURLOPT_SSLKEY, tls->key_file);
		if (tls->insecure) {
			SET(CURLOPT_SSL_VERIFYPEER, 0L);
			SET(CURLOPT_SSL_VERIFYHOST, 0L);
		}
	}
#undef SET
	if (rc != CURLE_OK) {
		error = hush_err_set(rc == CURLE_OUT_OF_MEMORY ? HUSH_ENOMEM :
				HUSH_ERROR, "%s: libcurl: %s", what,
			curl_easy_strerror(rc));
		goto done;
	}
	rc = curl_easy_perform(c);
	if (x.too_big) {
		error = hush_err_set(HUSH_ELIMIT,
			"%s: response body larger than %zu bytes "
			"(HUSH_MAX_VAULT_BODY)", what, req->max_body);
		goto done;
	}
	if (x.nomem) {
		error = hush_err_set(HUSH_ENOMEM, "%s: out of memory", what);
		goto done;
	}
	if (rc != CURLE_OK) {
		out->transport_error = true;
		out->tls_error = tls_code(rc) || rc == CURLE_UNSUPPORTED_PROTOCOL;
		error = hush_err_set(HUSH_EIO, "%s: %s", what,
			errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		goto done;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
	    loc != NULL && (*location = seal_wipe_strdup(loc)) == NULL) {
		error = hush_err_set(HUSH_ENOMEM, "%s: out of memory", what);
		goto done;
	}
	error = 0;
done:
	if (error < 0) {
		secret_free(out->body);
		out->body = NULL;
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(headers);
	curl_slist_free_all(connect);
	curl_free(named_url);
	return error;
}

int http_do(struct http_response *out, const struct http_request *req,
	const char *what)
{
	char *location = NULL, *next = NULL;
	int error;

	http_response_clear(out);
	if ((error = global_init()) < 0)
		goto done;
	if ((error = perform(out, req, req->url, &location, what)) < 0)
		goto done;
	/* the Go client follows exactly one redirect, re-sending the body
	 * and the headers, and refuses https to http (vault-api.md 10) */
	if (!req->follow_redirect || location == NULL ||
	    (out->status != 301 && out->status != 302 && out->status != 307))
		goto done;
	if (is_https(req->url) && !is_https(location)) {
		error = hush_err_set(HUSH_EIO,
			"%s: redirect would cause protocol downgrade", what);
		goto done;
	}
	next = location;
	location = NULL;
	error = perform(out, req, next, &location, what);
done:
	if (error < 0) {
		/* keep transport_error and tls_error for the retry decision */
		secret_free(out->body);
		out->body = NULL;
		out->status = 0;
	}
	seal_wipe_free(location);
	seal_wipe_free(next);
	return error;
}
