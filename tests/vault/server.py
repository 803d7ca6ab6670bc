#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A Vault-compatible test server for hush-inject's tests (spec:
vault-api.md; Python 3 standard library only).

    server.py serve --dir DIR [--seed FILE] [--flavor vault|openbao]
                    [--cert PEM --key PEM --client-ca PEM]
    server.py call DIR METHOD PATH [BODY] [-H 'Name: value']...

`serve` listens on 127.0.0.1 only (ports chosen by the kernel) and on the
unix socket DIR/vault.sock, then writes DIR/ports.json:
  http     the active node, plain HTTP (also the /_test/ control endpoints)
  https    TLS (when --cert is given)
  mtls     TLS that requires a client certificate signed by --client-ca
  standby  a standby that cannot forward: 307 to the active node
  unix     the unix socket path
Logs (method, path, status: never a body or a header) go to DIR/server.log.

`call` sends one request to the http listener (or a listener named with
-l NAME) and prints "STATUS\\n" then the body: for test setup and checks.

Control endpoints (plain listener, loopback): POST /_test/state with any
of {"sealed": bool, "standby": bool, "standby_forwarding": bool (the
standby listener then answers unless X-Vault-No-Request-Forwarding is
sent), "faults": [...]}; GET /_test/stats
(request counts per "METHOD path"); POST /_test/kv2 {"mount","path","data",
"deletion_time"?} writes a version without a token. A fault is {"path": prefix after /v1/,
"method": optional, "status": N, "count": N (-1: always), "retry_after":
"1", "errors": [...], "body": raw text, "huge": bytes, "drop": true,
"ratelimit_headers": true}.
"""

import http.client
import http.server
import json
import os
import secrets
import socket
import socketserver
import ssl
import string
import sys
import threading
import time
import urllib.parse

B62 = string.ascii_letters + string.digits
DEFAULT_TTL = 2764800  # 768h, the system default lease TTL


class Struct(dict):
    """A Go struct: keys keep their declared order when encoded."""


def go_json(v):
    """Go's encoding/json: compact, map keys sorted, <>& escaped."""
    if isinstance(v, Struct):
        items = v.items()
    elif isinstance(v, dict):
        items = sorted(v.items())
    else:
        items = None
    if items is not None:
        return "{" + ",".join(go_json(str(k)) + ":" + go_json(x)
                              for k, x in items) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    s = json.dumps(v, ensure_ascii=False)
    if isinstance(v, str):
        s = (s.replace("<", "\\u003c").replace(">", "\\u003e")
             .replace("&", "\\u0026").replace("\u2028", "\\u2028")
             .replace("\u2029", "\\u2029"))
    return s


def rfc3339nano(ns=None):
    ns = time.time_ns() if ns is None else ns
    t = time.gmtime(ns // 1_000_000_000)
    frac = ("%09d" % (ns % 1_000_000_000)).rstrip("0")
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ("." + frac if frac else "") + "Z"


def rand62(n):
    return "".join(secrets.choice(B62) for _ in range(n))


def uuid4():
    h = secrets.token_hex(16)
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


class HTTPError(Exception):
    def __init__(self, status, errors=None, body=None):
        super().__init__(status)
        self.status = status
        self.errors = [] if errors is None else errors
        self.body = body


class Vault:
    """The server state; every request holds the lock."""

    def __init__(self, seed, flavor):
        self.lock = threading.Lock()
        self.flavor = flavor
        self.sealed = bool(seed.get("sealed", False))
        self.standby = bool(seed.get("standby", False))
        self.standby_forwarding = bool(seed.get("standby_forwarding", False))
        # Vault Agent's require_request_header: 412 without X-Vault-Request
        self.require_request_header = bool(seed.get("require_request_header", False))
        self.faults = list(seed.get("faults", []))
        self.stats = {}
        self.tokens = {}
        self.wrapped = {}
        self.leases = {}
        self.policies = {"default": ["auth/token/lookup-self",
                                     "auth/token/renew-self",
                                     "auth/token/revoke-self",
                                     "sys/leases/renew", "sys/leases/lookup",
                                     "sys/wrapping/*", "cubbyhole/*"]}
        self.policies.update(seed.get("policies", {}))
        self.namespaces = set(n.strip("/") + "/" for n in seed.get("namespaces", []))
        self.mounts = {}
        self.active_url = None
        # mounts, keyed by the full path (namespace included)
        for ns in [""] + sorted(self.namespaces):
            self.add_mount(ns + "auth/token/", {"type": "token"})
            self.add_mount(ns + "sys/", {"type": "system"})
            self.add_mount(ns + "cubbyhole/", {"type": "cubbyhole"})
        # dev-like: KV v2 at secret/ unless the seed mounts something there
        if "secret/" not in seed.get("mounts", {}):
            self.add_mount("secret/", {"type": "kv", "version": "2"})
        for path, m in seed.get("mounts", {}).items():
            self.add_mount(path, m)
        root = seed.get("root_token")
        if root:
            self.tokens[root] = self.new_token_entry(["root"], 0, "auth/token/root",
                                                     "root", root=True)
        for tok, t in seed.get("tokens", {}).items():
            e = self.new_token_entry(t.get("policies", ["default"]),
                                     t.get("ttl", 3600), "auth/token/create",
                                     "token", renewable=t.get("renewable", True),
                                     max_ttl=t.get("max_ttl", 0))
            self.tokens[tok] = e
        for path, entries in seed.get("kv1", {}).items():
            m = self.mounts[path]
            for key, data in entries.items():
                m["data"][key] = data
        for path, entries in seed.get("kv2", {}).items():
            m = self.mounts[path]
            for key, versions in entries.items():
                for data in versions:
                    self.kv2_write(m, key, data)
        for which in ("kv2_deleted", "kv2_destroyed"):
            for full, vers in seed.get(which, {}).items():
                mpath, key = self.split_mount(full)
                meta = self.mounts[mpath]["data"][key]
                for v in vers:
                    ent = meta["versions"][v]
                    if which == "kv2_deleted":
                        ent["deletion_time"] = rfc3339nano()
                    else:
                        ent["destroyed"] = True
                        ent["data"] = None

    # ------------------------------------------------------------ helpers
    def add_mount(self, path, m):
        path = path.strip("/") + "/"
        m = dict(m)
        m.setdefault("accessor", "%s_%s" % (m["type"].split("-")[0], secrets.token_hex(4)))
        m.setdefault("uuid", uuid4())
        m.setdefault("data", {})
        m.setdefault("roles", {})
        self.mounts[path] = m

    def split_mount(self, full):
        best = None
        for p in self.mounts:
            if (full + "/").startswith(p) and (best is None or len(p) > len(best)):
                best = p
        if best is None:
            raise KeyError(full)
        return best, full[len(best):]

    def new_token_entry(self, policies, ttl, path, display, root=False,
                        renewable=True, max_ttl=0, meta=None, orphan=False):
        pol = sorted(set(policies) | (set() if root else {"default"}))
        now = time.time()
        return {"policies": pol, "ttl": 0 if root else ttl, "created": now,
                "renewed": now, "root": root, "renewable": renewable and not root,
                "accessor": rand62(24), "path": path, "display_name": display,
                "meta": meta, "max_ttl": max_ttl, "orphan": orphan,
                "creation_ttl": 0 if root else ttl}

    def mint_token(self, policies, ttl, path, display, meta):
        tok = "hvs." + rand62(24)
        e = self.new_token_entry(policies, ttl, path, display, meta=meta,
                                 orphan=True, max_ttl=seed_max_ttl(ttl))
        self.tokens[tok] = e
        return tok, e

    def auth_obj(self, tok, e, lease_duration=None):
        return Struct([("client_token", tok), ("accessor", e["accessor"]),
                       ("policies", e["policies"]),
                       ("token_policies", e["policies"]),
                       ("metadata", e["meta"]),
                       ("lease_duration", e["ttl"] if lease_duration is None else lease_duration),
                       ("renewable", e["renewable"]), ("entity_id", uuid4()),
                       ("token_type", "service"), ("orphan", e["orphan"]),
                       ("mfa_requirement", None), ("num_uses", 0)])

    def envelope(self, data=None, lease_id="", renewable=False, lease_duration=0,
                 warnings=None, auth=None, mount_type=None, request_id=None):
        env = Struct([("request_id", uuid4() if request_id is None else request_id),
                      ("lease_id", lease_id), ("renewable", renewable),
                      ("lease_duration", lease_duration), ("data", data),
                      ("wrap_info", None), ("warnings", warnings), ("auth", auth)])
        if self.flavor == "vault" and mount_type is not None:
            env["mount_type"] = mount_type
        return env

    def token_alive(self, e):
        if e["root"] or e["ttl"] == 0:
            return True
        return time.time() < e["renewed"] + e["ttl"]

    def invalid_token(self):
        if self.flavor == "vault":
            return HTTPError(403, ["2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n"])
        return HTTPError(403, ["permission denied"])

    def check_token(self, tok, rel_path):
        e = self.tokens.get(tok) if tok else None
        if e is None or not self.token_alive(e):
            raise self.invalid_token()
        if rel_path and not self.allowed(e, rel_path):
            raise HTTPError(403, ["1 error occurred:\n\t* permission denied\n\n"])
        return e

    def allowed(self, e, path):
        if "root" in e["policies"]:
            return True
        for p in e["policies"]:
            for rule in self.policies.get(p, []):
                if rule.endswith("*") and path.startswith(rule[:-1]):
                    return True
                if rule == path:
                    return True
        return False

    def allowed_under(self, e, prefix):
        if "root" in e["policies"]:
            return True
        for p in e["policies"]:
            for rule in self.policies.get(p, []):
                r = rule.rstrip("*")
                if r.startswith(prefix) or prefix.startswith(r):
                    return True
        return False

    # -------------------------------------------------------------- KV v2
    def kv2_write(self, m, key, data):
        meta = m["data"].get(key)
        now = rfc3339nano()
        if meta is None:
            meta = {"versions": {}, "current_version": 0, "created_time": now,
                    "updated_time": now, "custom_metadata": None,
                    "oldest_version": 0}
            m["data"][key] = meta
        v = meta["current_version"] + 1
        meta["current_version"] = v
        meta["updated_time"] = now
        if meta["oldest_version"] == 0:
            meta["oldest_version"] = 1
        meta["versions"][v] = {"data": data, "created_time": now,
                               "deletion_time": "", "destroyed": False}
        return self.kv2_vmeta(meta, v)

    @staticmethod
    def kv2_vmeta(meta, v):
        ent = meta["versions"][v]
        return {"created_time": ent["created_time"],
                "custom_metadata": meta["custom_metadata"],
                "deletion_time": ent["deletion_time"],
                "destroyed": ent["destroyed"], "version": v}


def seed_max_ttl(ttl):
    return 0 if ttl == 0 else max(ttl * 4, ttl)


def go_bool(s):
    if s in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if s in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise ValueError(s)


def duration_seconds(v):
    if isinstance(v, (int, float)):
        return int(v)
    s = str(v)
    if s.isdigit():
        return int(s)
    total, num = 0.0, ""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    i = 0
    while i < len(s):
        c = s[i]
        if c.isdigit() or c == ".":
            num += c
            i += 1
            continue
        u = s[i:i + 2] if s[i:i + 2] == "ms" else c
        if u not in units or not num:
            raise ValueError(s)
        total += float(num) * units[u]
        num = ""
        i += len(u)
    if num:
        raise ValueError(s)
    return int(total)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hush-vault-test"
    sys_version = ""

    # ---------------------------------------------------------- plumbing
    def log_message(self, fmt, *args):  # replaced by log_request below
        pass

    def log_line(self, status):
        with self.server.logfile_lock:
            self.server.logfile.write("%s %s %s %s\n" % (
                self.server.name, self.command, self.path.split("?")[0], status))
            self.server.logfile.flush()

    def send_body(self, status, body, extra_headers=()):
        self.send_response(status)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Type", "application/json")
        for k, v in extra_headers:
            self.send_header(k, v)
        data = body.encode() if isinstance(body, str) else body
        if status != 204:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(data)
        self.log_line(status)

    def send_json(self, status, obj, newline=True, extra_headers=()):
        self.send_body(status, go_json(obj) + ("\n" if newline else ""), extra_headers)

    def send_error_json(self, err):
        if err.body is not None:
            self.send_body(err.status, err.body)
        else:
            self.send_json(err.status, Struct([("errors", err.errors)]))

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > 32 * 1024 * 1024:
            raise HTTPError(413, ["request body too large"])
        raw = self.rfile.read(n) if n else b""
        self.raw_body = raw
        text = raw.strip()
        if text in (b"", b"null"):
            return {}
        try:
            v = json.loads(text)
        except ValueError as e:
            raise HTTPError(400, ["failed to parse JSON input: %s" % e])
        if not isinstance(v, dict):
            raise HTTPError(400, ["failed to parse JSON input: not an object"])
        return v

    def token(self):
        t = self.headers.get("X-Vault-Token")
        if t:
            return t
        a = self.headers.get("Authorization", "")
        if a.startswith("Bearer "):
            return a[7:]
        return None

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_LIST = do_PATCH = do_GET

    def __getattr__(self, name):
        # any other verb reaches the router, which answers 405
        if name.startswith("do_"):
            return self.handle_any
        raise AttributeError(name)

    def handle_any(self):
        v = self.server.vault
        try:
            u = urllib.parse.urlsplit(self.path)
            if u.path.startswith("/_test/"):
                return self.control(u)
            body = {}
            if self.command in ("POST", "PUT", "PATCH", "DELETE"):
                body = self.read_body()
            with v.lock:
                key = "%s %s" % (self.command, u.path)
                v.stats[key] = v.stats.get(key, 0) + 1
                status, obj, newline, headers = self.route(u, body)
            if obj is None:
                self.send_body(status, b"", headers)
            elif isinstance(obj, bytes):
                self.send_body(status, obj, headers)
            else:
                self.send_json(status, obj, newline, headers)
        except HTTPError as e:
            self.send_error_json(e)
        except ConnectionError:
            self.close_connection = True
        except Exception as e:  # a server bug: say so, as Vault would
            self.server.logfile.write("internal error: %r\n" % (e,))
            self.send_error_json(HTTPError(500, ["internal error"]))

    def control(self, u):
        v = self.server.vault
        if self.server.name != "http":
            raise HTTPError(404, ["control endpoints only on the http listener"])
        with v.lock:
            if u.path == "/_test/stats":
                return self.send_json(200, v.stats)
            body = self.read_body()
            if u.path == "/_test/state":
                for k in ("sealed", "standby", "standby_forwarding"):
                    if k in body:
                        setattr(v, k, bool(body[k]))
                if "faults" in body:
                    v.faults = list(body["faults"])
                return self.send_body(204, b"")
            if u.path == "/_test/kv2":
                m = v.mounts[body["mount"]]
                vm = v.kv2_write(m, body["path"], body["data"])
                if "deletion_time" in body:  # as delete_version_after sets it
                    m["data"][body["path"]]["versions"][vm["version"]][
                        "deletion_time"] = body["deletion_time"]
                return self.send_json(200, vm)
        raise HTTPError(404, ["no such control endpoint"])

    # ------------------------------------------------------------- routes
    def route(self, u, body):
        v = self.server.vault
        if not u.path.startswith("/v1/"):
            raise HTTPError(404, [])
        rel = urllib.parse.unquote(u.path[4:])
        query = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        method = self.command
        if method not in ("GET", "HEAD", "POST", "PUT", "DELETE", "LIST", "PATCH"):
            raise HTTPError(405, [])
        if "list" in query:
            try:
                if go_bool(query["list"][0]):
                    method = "LIST"
            except ValueError:
                raise HTTPError(400, [])
        # the standby listener forwards (here: answers itself) when
        # forwarding works and the client did not refuse it; else 307
        if self.server.name == "standby" and rel != "sys/health" and (
                not v.standby_forwarding or
                self.headers.get("X-Vault-No-Request-Forwarding") is not None):
            loc = v.active_url + u.path + ("?" + u.query if u.query else "")
            return 307, None, False, [("Location", loc)]
        if v.require_request_header and self.headers.get("X-Vault-Request") != "true":
            raise HTTPError(412, ['missing "X-Vault-Request" header'])
        fault = self.fault(rel, method)
        if fault is not None:
            return fault
        if rel == "sys/health":
            return self.health(query)
        if rel == "sys/seal-status":
            return 200, self.seal_status(), True, []
        if v.sealed:
            raise HTTPError(503, ["Vault is sealed"])
        ns = self.headers.get("X-Vault-Namespace", "").strip("/")
        if ns and ns != "root":
            if ns + "/" not in v.namespaces:
                raise HTTPError(404, ["no handler for route \"%s\". route entry not found." % rel])
            ns += "/"
        else:
            ns = ""
        rel = rel.lstrip("/")
        wrap_ttl = self.headers.get("X-Vault-Wrap-TTL")
        status, obj, newline = self.dispatch(rel, ns, method, body, query)
        if wrap_ttl and status == 200 and obj is not None:
            try:
                ttl = duration_seconds(wrap_ttl)
            except ValueError:
                raise HTTPError(400, ["error parsing wrap ttl"])
            if ttl < 0:
                raise HTTPError(400, ["requested wrap ttl cannot be negative"])
            return 200, self.wrap(obj, ttl, rel), True, []
        return status, obj, newline, []

    def fault(self, rel, method):
        v = self.server.vault
        for f in v.faults:
            if not rel.startswith(f["path"]) or f.get("count", -1) == 0:
                continue
            if f.get("method") and f["method"] != method:
                continue
            if f.get("count", -1) > 0:
                f["count"] -= 1
            if f.get("drop"):
                self.close_connection = True
                raise ConnectionResetError()
            if f.get("huge"):
                blob = "x" * int(f["huge"])
                return 200, v.envelope(data={"blob": blob}), True, []
            headers = []
            if "retry_after" in f:
                headers.append(("Retry-After", str(f["retry_after"])))
            if f.get("ratelimit_headers"):
                headers += [("X-RateLimit-Limit", "1"), ("X-RateLimit-Remaining", "0"),
                            ("X-RateLimit-Reset", str(f.get("retry_after", 1)))]
            st = int(f["status"])
            if "body" in f:
                return st, f["body"].encode(), False, headers
            errs = f.get("errors")
            if errs is None:
                errs = {429: ['request path "%s": rate limit quota exceeded' % rel],
                        503: ["Vault is sealed"], 412: ["required index state not present"],
                        501: ["Vault is not initialized"]}.get(st, ["internal error"])
            return st, Struct([("errors", errs)]), True, headers
        return None

    def health(self, query):
        v = self.server.vault
        if self.command not in ("GET", "HEAD"):
            raise HTTPError(405, [])
        codes = {"uninitcode": 501, "sealedcode": 503, "standbycode": 429,
                 "activecode": 200}
        bools = {"standbyok": False}
        if v.flavor == "vault":
            codes.update({"drsecondarycode": 472, "performancestandbycode": 473,
                          "removedcode": 530, "haunhealthycode": 474})
            bools["perfstandbyok"] = False
        for k, vals in query.items():
            if k in codes:
                try:
                    codes[k] = int(vals[0])
                except ValueError:
                    raise HTTPError(400, [])
            elif k in bools:
                try:
                    bools[k] = go_bool(vals[0]) if vals[0] != "" else True
                except ValueError:
                    raise HTTPError(400, [])
        if v.sealed:
            code = codes["sealedcode"]
        elif v.standby and not bools["standbyok"]:
            code = codes["standbycode"]
        else:
            code = codes["activecode"]
        b = Struct([("initialized", True), ("sealed", v.sealed), ("standby", v.standby)])
        if v.flavor == "vault":
            b["performance_standby"] = False
        b["replication_performance_mode"] = "disabled"
        b["replication_dr_mode"] = "disabled"
        b["server_time_utc"] = int(time.time())
        b["version"] = "1.17.0" if v.flavor == "vault" else "2.0.0"
        if v.flavor == "vault":
            b["enterprise"] = False
        if not v.sealed:
            b["cluster_name"] = "vault-cluster-test"
            b["cluster_id"] = "00000000-0000-0000-0000-000000000001"
        if v.flavor == "vault":
            b["echo_duration_ms"] = 0
            b["clock_skew_ms"] = 0
            b["replication_primary_canary_age_ms"] = 0
        return code, b, True, []

    def seal_status(self):
        v = self.server.vault
        return Struct([("type", "shamir"), ("initialized", True), ("sealed", v.sealed),
                       ("t", 3), ("n", 5), ("progress", 0), ("nonce", ""),
                       ("version", "1.17.0"), ("build_date", "2024-01-01T00:00:00Z"),
                       ("migration", False), ("recovery_seal", False),
                       ("storage_type", "inmem")])

    def wrap(self, obj, ttl, rel):
        v = self.server.vault
        wt = "hvs." + rand62(24)
        raw = (go_json(obj) + "\n").encode()
        acc = rand62(24)
        wacc = ""
        if isinstance(obj, dict):
            if obj.get("auth"):
                wacc = obj["auth"]["accessor"]
            elif isinstance(obj.get("data"), dict) and "secret_id_accessor" in obj["data"]:
                wacc = obj["data"]["secret_id_accessor"]
        now = time.time_ns()
        v.wrapped[wt] = {"raw": raw, "expires": time.time() + ttl,
                         "creation_path": rel, "creation_time": rfc3339nano(now),
                         "ttl": ttl}
        info = Struct([("token", wt), ("accessor", acc), ("ttl", ttl),
                       ("creation_time", rfc3339nano(now)), ("creation_path", rel)])
        if wacc:
            info["wrapped_accessor"] = wacc
        env = Struct([("request_id", ""), ("lease_id", ""), ("renewable", False),
                      ("lease_duration", 0), ("data", None), ("wrap_info", info),
                      ("warnings", None), ("auth", None)])
        return env

    def dispatch(self, rel, ns, method, body, query):
        v = self.server.vault
        tok = self.token()
        full = ns + rel
        # unauthenticated or self-validating endpoints first
        if rel == "sys/wrapping/unwrap":
            if method not in ("PUT", "POST"):
                raise HTTPError(405, ["1 error occurred:\n\t* unsupported operation\n\n"])
            wt = body.get("token") or tok
            w = v.wrapped.pop(wt, None) if wt else None
            if w is None or time.time() > w["expires"]:
                raise HTTPError(400, ["wrapping token is not valid or does not exist"])
            if body.get("token") and tok:
                v.check_token(tok, rel)
            if not w["raw"].strip():
                return 204, None, False
            return 200, w["raw"], False
        if rel == "sys/wrapping/lookup":
            w = v.wrapped.get(body.get("token") or tok or "")
            if w is None:
                raise HTTPError(400, ["wrapping token is not valid or does not exist"])
            return 200, v.envelope(data={"creation_path": w["creation_path"],
                                         "creation_time": w["creation_time"],
                                         "creation_ttl": w["ttl"]}), True
        try:
            mpath, sub = v.split_mount(full)
        except KeyError:
            raise HTTPError(404, ["no handler for route \"%s\". route entry not found." % rel])
        m = v.mounts[mpath]
        rel_mount = mpath[len(ns):]
        if m["type"] in ("approle", "kubernetes", "jwt") and sub == "login":
            if method not in ("PUT", "POST"):
                raise HTTPError(405, ["1 error occurred:\n\t* unsupported operation\n\n"])
            return self.login(m, rel_mount, body)
        # the preflight has its own check (a capability under the mount)
        e = v.check_token(tok, "" if rel.startswith("sys/internal/ui/mounts/")
                          else rel)
        if m["type"] == "token":
            return self.token_ops(tok, e, sub, method, body)
        if m["type"] == "system":
            return self.sys_ops(e, sub, ns, method, body)
        if m["type"] == "approle":
            return self.approle_ops(m, rel_mount, sub, method, body)
        if m["type"] == "kv" and str(m.get("version", "1")) == "2":
            return self.kv2_ops(m, rel_mount, sub, method, body, query)
        if m["type"] == "kv":
            return self.kv1_ops(m, sub, method, body)
        if m["type"] == "database":
            return self.db_ops(m, rel_mount, sub, rel, ns, method, e)
        raise HTTPError(404, ["1 error occurred:\n\t* unsupported path\n\n"])

    # ------------------------------------------------------------- logins
    def login(self, m, rel_mount, body):
        v = self.server.vault
        t = m["type"]
        if t == "approle":
            rid, sid = body.get("role_id"), body.get("secret_id")
            if not rid:
                raise HTTPError(400, ["missing role_id"])
            role = next((n for n, r in m["roles"].items() if r["role_id"] == rid), None)
            r = m["roles"].get(role) if role else None
            if r is not None and r.get("bind_secret_id", True):
                if not sid:
                    raise HTTPError(400, ["missing secret_id"])
                ent = r.setdefault("secret_ids", {}).get(sid)
                if ent is None or (isinstance(ent, dict) and ent.get("uses") == -1):
                    raise HTTPError(400, ["invalid role or secret ID"])
                if isinstance(ent, dict) and ent.get("num_uses", 0) > 0:
                    ent["num_uses"] -= 1
                    if ent["num_uses"] == 0:
                        ent["uses"] = -1
            if r is None:
                raise HTTPError(400, ["invalid role or secret ID"])
            meta = {"role_name": role}
        elif t == "kubernetes":
            role, jwt = body.get("role"), body.get("jwt")
            if not role:
                raise HTTPError(400, ["missing role"])
            if not jwt:
                raise HTTPError(400, ["missing jwt"])
            r = m["roles"].get(role)
            if r is None:
                raise HTTPError(400, ["invalid role name \"%s\"" % role])
            if jwt not in r.get("jwts", []):
                raise HTTPError(403, ["permission denied"])
            meta = {"role": role, "service_account_name": r.get("sa", "app"),
                    "service_account_namespace": r.get("sa_ns", "default"),
                    "service_account_secret_name": "",
                    "service_account_uid": r.get("sa_uid", uuid4())}
        else:
            role, jwt = body.get("role") or m.get("default_role"), body.get("jwt")
            if not role:
                raise HTTPError(400, ["missing role"])
            r = m["roles"].get(role)
            if r is None:
                raise HTTPError(400, ["role \"%s\" could not be found" % role])
            if not jwt:
                raise HTTPError(400, ["missing token"])
            if jwt not in r.get("jwts", []):
                raise HTTPError(400, ["error validating token: failed to verify id token signature"])
            meta = {"role": role}
        ttl = int(r.get("token_ttl", 3600))
        tok, e = v.mint_token(r.get("policies", ["default"]), ttl,
                              "auth/%slogin" % rel_mount[len("auth/"):], t, meta)
        if "token_max_ttl" in r:
            e["max_ttl"] = int(r["token_max_ttl"])
        e["renewable"] = bool(r.get("token_renewable", True))
        return 200, v.envelope(auth=v.auth_obj(tok, e), mount_type=t), True

    def approle_ops(self, m, rel_mount, sub, method, body):
        v = self.server.vault
        parts = sub.split("/")
        if len(parts) == 3 and parts[0] == "role" and parts[1] in m["roles"]:
            r = m["roles"][parts[1]]
            if parts[2] == "role-id" and method == "GET":
                return 200, v.envelope(data={"role_id": r["role_id"]}, mount_type="approle"), True
            if parts[2] == "secret-id" and method in ("PUT", "POST"):
                sid, acc = uuid4(), uuid4()
                uses = int(body.get("num_uses", 0))
                r.setdefault("secret_ids", {})[sid] = {"num_uses": uses, "accessor": acc}
                return 200, v.envelope(data={"secret_id": sid, "secret_id_accessor": acc,
                                             "secret_id_num_uses": uses,
                                             "secret_id_ttl": int(body.get("ttl", 0))},
                                       mount_type="approle"), True
        raise HTTPError(404, ["1 error occurred:\n\t* unsupported path\n\n"])

    # ------------------------------------------------------------- tokens
    def token_ops(self, tok, e, sub, method, body):
        v = self.server.vault
        if sub == "lookup-self":
            if method != "GET":
                raise HTTPError(405, ["1 error occurred:\n\t* unsupported operation\n\n"])
            d = {"accessor": e["accessor"], "creation_time": int(e["created"]),
                 "creation_ttl": e["creation_ttl"], "display_name": e["display_name"],
                 "entity_id": "", "explicit_max_ttl": 0, "id": tok,
                 "meta": e["meta"], "num_uses": 0, "orphan": e["orphan"],
                 "path": e["path"], "policies": e["policies"], "type": "service"}
            if e["root"]:
                d["expire_time"] = None
                d["ttl"] = 0
            else:
                exp = e["renewed"] + e["ttl"]
                d["expire_time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(exp))
                d["issue_time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(e["created"]))
                d["renewable"] = e["renewable"]
                d["ttl"] = max(0, int(exp - time.time()))
            return 200, v.envelope(data=d, mount_type="token"), True
        if sub == "renew-self":
            if method not in ("PUT", "POST"):
                raise HTTPError(405, ["1 error occurred:\n\t* unsupported operation\n\n"])
            if not e["renewable"] or e["root"]:
                raise HTTPError(400, ["lease is not renewable"])
            inc = duration_seconds(body.get("increment", e["creation_ttl"]))
            warnings = None
            if e["max_ttl"]:
                left = e["created"] + e["max_ttl"] - time.time()
                if inc > left:
                    warnings = ['TTL of "%ds" exceeded the effective max_ttl of "%ds"; '
                                'TTL value is capped accordingly' % (inc, int(left))]
                    inc = max(0, int(left))
            e["ttl"] = inc
            e["renewed"] = time.time()
            return 200, v.envelope(auth=v.auth_obj(tok, e), warnings=warnings,
                                   mount_type="token"), True
        if sub == "revoke-self":
            if method not in ("PUT", "POST"):
                raise HTTPError(405, ["1 error occurred:\n\t* unsupported operation\n\n"])
            del v.tokens[tok]
            return 204, None, False
        raise HTTPError(404, ["1 error occurred:\n\t* unsupported path\n\n"])

    # ---------------------------------------------------------------- sys
    def sys_ops(self, e, sub, ns, method, body):
        v = self.server.vault
        if sub.startswith("internal/ui/mounts/"):
            path = sub[len("internal/ui/mounts/"):]
            try:
                mpath, _ = v.split_mount(ns + path)
            except KeyError:
                mpath = None
            if mpath is None or not v.allowed_under(e, mpath[len(ns):]) or \
                    v.mounts[mpath]["type"] in ("system",):
                raise HTTPError(403, ["preflight capability check returned 403, please ensure "
                                      "client's policies grant access to path \"%s/\"" % path.rstrip("/")])
            m = v.mounts[mpath]
            opts = {"version": str(m["version"])} if m["type"] == "kv" and "version" in m else None
            d = {"accessor": m["accessor"],
                 "config": {"default_lease_ttl": 0, "force_no_cache": False, "max_lease_ttl": 0},
                 "description": m.get("description", ""), "external_entropy_access": False,
                 "local": False, "options": opts, "path": mpath[len(ns):],
                 "plugin_version": "", "running_plugin_version": "v0.0.0+builtin",
                 "running_sha256": "", "seal_wrap": False, "type": m["type"],
                 "uuid": m["uuid"]}
            return 200, v.envelope(data=d), True
        if sub == "leases/renew" or sub.startswith("leases/renew/"):
            if method not in ("PUT", "POST"):
                raise HTTPError(405, ["1 error occurred:\n\t* unsupported operation\n\n"])
            lid = body.get("lease_id") or sub[len("leases/renew/"):]
            if not lid:
                raise HTTPError(400, ["lease_id must be specified"])
            if lid.startswith("auth/"):
                raise HTTPError(400, ["tokens cannot be renewed through this endpoint"])
            le = v.leases.get(lid)
            if le is None:
                raise HTTPError(400, ["lease not found"])
            if time.time() > le["expires"]:
                raise HTTPError(400, ["lease expired"])
            if not le["renewable"]:
                raise HTTPError(400, ["lease is not renewable"])
            inc = duration_seconds(body.get("increment", le["ttl"]))
            warnings = None
            left = le["issued"] + le["max_ttl"] - time.time()
            if inc > left:
                warnings = ['TTL of "%ds" exceeded the effective max_ttl of "%ds"; '
                            'TTL value is capped accordingly' % (inc, int(left))]
                inc = max(0, int(left))
            le["expires"] = time.time() + inc
            return 200, v.envelope(lease_id=lid, renewable=True, lease_duration=inc,
                                   warnings=warnings), True
        if sub == "leases/revoke" and method in ("PUT", "POST"):
            v.leases.pop(body.get("lease_id", ""), None)
            return 204, None, False
        raise HTTPError(404, ["1 error occurred:\n\t* unsupported path\n\n"])

    # ----------------------------------------------------------------- KV
    def kv1_ops(self, m, key, method, body):
        v = self.server.vault
        if method in ("GET", "HEAD"):
            d = m["data"].get(key)
            if d is None:
                raise HTTPError(404, [])
            ttl = DEFAULT_TTL
            for k in ("ttl", "lease"):
                if k in d:
                    try:
                        ttl = duration_seconds(d[k])
                    except ValueError:
                        pass
            return 200, v.envelope(data=d, lease_duration=ttl, mount_type="kv"), True
        if method in ("POST", "PUT"):
            m["data"][key] = body
            return 204, None, False
        if method == "DELETE":
            m["data"].pop(key, None)
            return 204, None, False
        if method == "LIST":
            pre = key.rstrip("/") + "/" if key else ""
            keys = sorted({k[len(pre):].split("/")[0] + ("/" if "/" in k[len(pre):] else "")
                           for k in m["data"] if k.startswith(pre)})
            if not keys:
                raise HTTPError(404, [])
            return 200, v.envelope(data={"keys": keys}, mount_type="kv"), True
        raise HTTPError(405, ["1 error occurred:\n\t* unsupported operation\n\n"])

    def kv2_ops(self, m, rel_mount, sub, method, body, query):
        v = self.server.vault
        op, _, key = sub.partition("/")
        verb = {"GET": "read", "HEAD": "read", "POST": "write", "PUT": "write",
                "PATCH": "patch", "DELETE": "delete", "LIST": "list"}[method]
        if op not in ("data", "metadata", "delete", "undelete", "destroy", "subkeys", "config"):
            cli = ("use 'vault kv %s'" if v.flavor == "vault" else "use 'bao kv %s'") % (
                "get" if verb == "read" else "put" if verb == "write" else verb)
            who = "Vault CLI" if v.flavor == "vault" else "OpenBao CLI"
            w = ("Invalid path for a versioned K/V secrets engine. See the API docs for the "
                 "appropriate API endpoints to use. If using the %s, %s for this operation."
                 % (who, cli))
            return 404, v.envelope(warnings=[w]), True
        meta = m["data"].get(key)
        if op == "data" and method in ("GET", "HEAD"):
            if meta is None:
                raise HTTPError(404, [])
            try:
                ver = int(query.get("version", ["0"])[0] or 0)
            except ValueError:
                raise HTTPError(400, ["version must be an integer"])
            ver = ver or meta["current_version"]
            ent = meta["versions"].get(ver)
            if ent is None:
                raise HTTPError(404, [])
            vm = v.kv2_vmeta(meta, ver)
            dt = ent["deletion_time"]
            if ent["destroyed"] or (dt and dt <= rfc3339nano()):
                env = v.envelope(data={"data": None, "metadata": vm})
                return 404, env, False
            return 200, v.envelope(data={"data": ent["data"], "metadata": vm},
                                   mount_type="kv"), True
        if op == "data" and method in ("POST", "PUT"):
            data = body.get("data")
            if not isinstance(data, dict):
                raise HTTPError(400, ["no data provided"])
            return 200, v.envelope(data=v.kv2_write(m, key, data), mount_type="kv"), True
        if op == "data" and method == "DELETE":
            if meta is not None:
                meta["versions"][meta["current_version"]]["deletion_time"] = rfc3339nano()
            return 204, None, False
        if op in ("delete", "undelete", "destroy") and method in ("POST", "PUT"):
            for n in body.get("versions", []):
                ent = meta["versions"].get(int(n)) if meta else None
                if ent is None:
                    continue
                if op == "delete":
                    ent["deletion_time"] = rfc3339nano()
                elif op == "undelete" and not ent["destroyed"]:
                    ent["deletion_time"] = ""
                elif op == "destroy":
                    ent["destroyed"] = True
                    ent["data"] = None
            return 204, None, False
        if op == "metadata" and method in ("GET", "HEAD"):
            if meta is None:
                raise HTTPError(404, [])
            d = {"cas_required": False, "created_time": meta["created_time"],
                 "current_version": meta["current_version"],
                 "custom_metadata": meta["custom_metadata"], "delete_version_after": "0s",
                 "max_versions": 0, "oldest_version": meta["oldest_version"],
                 "updated_time": meta["updated_time"],
                 "versions": {str(n): {"created_time": e["created_time"],
                                       "deletion_time": e["deletion_time"],
                                       "destroyed": e["destroyed"]}
                              for n, e in meta["versions"].items()}}
            return 200, v.envelope(data=d, mount_type="kv"), True
        if op == "metadata" and method == "LIST":
            pre = key.rstrip("/") + "/" if key else ""
            keys = sorted({k[len(pre):].split("/")[0] + ("/" if "/" in k[len(pre):] else "")
                           for k in m["data"] if k.startswith(pre)})
            if not keys:
                raise HTTPError(404, [])
            return 200, v.envelope(data={"keys": keys}, mount_type="kv"), True
        if op == "config" and method == "GET":
            return 200, v.envelope(data={"cas_required": False, "delete_version_after": "0s",
                                         "max_versions": 0}, mount_type="kv"), True
        raise HTTPError(405, ["1 error occurred:\n\t* unsupported operation\n\n"])

    # ----------------------------------------------------------- database
    def db_ops(self, m, rel_mount, sub, rel, ns, method, e):
        v = self.server.vault
        parts = sub.split("/")
        if len(parts) == 2 and parts[0] == "creds" and method == "GET":
            r = m["roles"].get(parts[1])
            if r is None:
                raise HTTPError(400, ["unknown role: %s" % parts[1]])
            ttl = int(r.get("ttl", 3600))
            lid = "%s/%s" % (rel, rand62(24))
            if ns:
                lid += "." + rand62(5)  # the namespace id suffix
            v.leases[lid] = {"ttl": ttl, "max_ttl": int(r.get("max_ttl", 86400)),
                             "issued": time.time(), "expires": time.time() + ttl,
                             "renewable": True}
            d = {"username": "v-%s-%s-%s-%d" % (e["display_name"], parts[1], rand62(20),
                                                int(time.time())),
                 "password": "A1a-" + rand62(20)}
            return 200, v.envelope(data=d, lease_id=lid, renewable=True,
                                   lease_duration=ttl, mount_type="database"), True
        raise HTTPError(404, ["1 error occurred:\n\t* unsupported path\n\n"])


class TCPServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        sock, _ = super().get_request()
        return sock, ("unix", 0)


def serve(args):
    d = args["dir"]
    seed = {}
    if args.get("seed"):
        with open(args["seed"]) as f:
            seed = json.load(f)
    vault = Vault(seed, args.get("flavor", "vault"))
    logfile = open(os.path.join(d, "server.log"), "a")
    lock = threading.Lock()
    servers = {}

    def mk(name, cls, addr, ctx=None):
        s = cls(addr, Handler)
        if ctx is not None:
            s.socket = ctx.wrap_socket(s.socket, server_side=True)
        s.name, s.vault, s.logfile, s.logfile_lock = name, vault, logfile, lock
        servers[name] = s
        return s

    mk("http", TCPServer, ("127.0.0.1", 0))
    mk("standby", TCPServer, ("127.0.0.1", 0))
    if args.get("cert"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(args["cert"], args["key"])
        mk("https", TCPServer, ("127.0.0.1", 0), ctx)
        if args.get("client_ca"):
            ctx2 = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx2.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx2.load_cert_chain(args["cert"], args["key"])
            ctx2.verify_mode = ssl.CERT_REQUIRED
            ctx2.load_verify_locations(args["client_ca"])
            mk("mtls", TCPServer, ("127.0.0.1", 0), ctx2)
    sock_path = os.path.join(d, "vault.sock")
    if os.path.exists(sock_path):
        os.unlink(sock_path)
    mk("unix", UnixServer, sock_path)
    vault.active_url = "http://127.0.0.1:%d" % servers["http"].server_address[1]
    ports = {n: s.server_address[1] for n, s in servers.items() if n != "unix"}
    ports["unix"] = sock_path
    ports["pid"] = os.getpid()
    tmp = os.path.join(d, "ports.json.tmp")
    with open(tmp, "w") as f:
        json.dump(ports, f)
    os.rename(tmp, os.path.join(d, "ports.json"))
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers.values()]
    for t in threads:
        t.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def call(argv):
    d, method, path = argv[0], argv[1], argv[2]
    rest = argv[3:]
    body, headers, listener = None, {"X-Vault-Request": "true"}, "http"
    i = 0
    while i < len(rest):
        if rest[i] == "-H":
            k, _, val = rest[i + 1].partition(":")
            headers[k.strip()] = val.strip()
            i += 2
        elif rest[i] == "-l":
            listener = rest[i + 1]
            i += 2
        else:
            body = rest[i]
            i += 1
    with open(os.path.join(d, "ports.json")) as f:
        ports = json.load(f)
    if listener == "unix":
        conn = http.client.HTTPConnection("localhost")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(ports["unix"])
        conn.sock = s
    else:
        conn = http.client.HTTPConnection("127.0.0.1", ports[listener], timeout=30)
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    sys.stdout.write("%d\n" % r.status)
    for k in ("Content-Type", "Cache-Control", "Retry-After", "Location"):
        if r.getheader(k) is not None:
            sys.stdout.write("%s: %s\n" % (k, r.getheader(k)))
    sys.stdout.write("\n")
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "call":
        return call(argv[2:])
    if len(argv) < 2 or argv[1] != "serve":
        sys.stderr.write(__doc__)
        return 2
    args = {}
    it = iter(argv[2:])
    for a in it:
        if not a.startswith("--"):
            sys.stderr.write("bad argument %s\n" % a)
            return 2
        args[a[2:].replace("-", "_")] = next(it)
    serve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
