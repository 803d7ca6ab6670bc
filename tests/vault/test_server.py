#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the test server (server.py) against the faithfulness checklist of
vault-api.md (section 16), in both flavours. Python 3 standard library
only; the servers run in a temporary folder and are always stopped."""

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


class Server:
    def __init__(self, flavor, seed):
        self.dir = tempfile.mkdtemp(prefix="hush-vault-checklist.")
        with open(os.path.join(self.dir, "seed.json"), "w") as f:
            json.dump(seed, f)
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "server.py"), "serve", "--dir", self.dir,
             "--seed", os.path.join(self.dir, "seed.json"), "--flavor", flavor])
        ports = os.path.join(self.dir, "ports.json")
        for _ in range(200):
            if os.path.exists(ports):
                break
            time.sleep(0.05)
        with open(ports) as f:
            self.ports = json.load(f)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def req(self, method, path, body=None, headers=None, listener="http"):
        """(status, headers dict, raw body bytes)"""
        if listener == "unix":
            conn = http.client.HTTPConnection("localhost", timeout=30)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.ports["unix"])
            conn.sock = s
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.ports[listener], timeout=30)
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        h = {k.lower(): v for k, v in r.getheaders()}
        conn.close()
        return r.status, h, data

    def ctl(self, state):
        st, _, _ = self.req("POST", "/_test/state", state)
        assert st == 204


def js(raw):
    return json.loads(raw)


ENVELOPE = ["request_id", "lease_id", "renewable", "lease_duration", "data",
            "wrap_info", "warnings", "auth"]


def keys(raw):
    return list(json.loads(raw).keys())


def check_log(s, values, tag):
    with open(os.path.join(s.dir, "server.log")) as f:
        log = f.read()
    check(log != "" and not any(x in log for x in values), tag + "no secret in the log")


def run(flavor):
    root, child = "hvs.root" + secrets.token_hex(8), "hvs.child" + secrets.token_hex(8)
    rid, sid, kjwt, jjwt = (secrets.token_hex(8) for _ in range(4))
    seed = {
        "root_token": root,
        "tokens": {child: {"policies": ["app"], "ttl": 600}},
        "policies": {"app": ["secret/*", "kv/*"]},
        "namespaces": ["ns1"],
        "mounts": {
            "kv/": {"type": "kv", "version": "1"},
            "team-kv/": {"type": "kv", "version": "2"},
            "database/": {"type": "database", "roles": {"ro": {"ttl": 60, "max_ttl": 120}}},
            "auth/approle/": {"type": "approle", "roles": {"r": {"role_id": rid,
                              "secret_ids": {sid: {}}}}},
            "auth/kubernetes/": {"type": "kubernetes", "roles": {"k": {"jwts": [kjwt]}}},
            "auth/k8s/": {"type": "kubernetes", "roles": {"k": {"jwts": [kjwt]}}},
            "auth/jwt/": {"type": "jwt", "roles": {"j": {"jwts": [jjwt]}}},
            "auth/oidc/": {"type": "jwt", "roles": {"j": {"jwts": [jjwt]}}},
            "ns1/secret/": {"type": "kv", "version": "2"},
        },
        "kv2": {"secret/": {"a": [{"v": 1}, {"v": 2}, {"v": 3}, {"v": "<&>"}]},
                "team-kv/": {"x": [{"k": "y"}]},
                "ns1/secret/": {"a": [{"v": "ns"}]}},
        "kv2_deleted": {"secret/a": [2]},
        "kv2_destroyed": {"secret/a": [3]},
        "kv1": {"kv/": {"plain": {"b": 1, "a": 2}, "ttl": {"x": 1, "ttl": "1h"}}},
    }
    s = Server(flavor, seed)
    vault = flavor == "vault"
    tag = "[%s] " % flavor
    T = {"X-Vault-Token": root}
    try:
        # 1. envelope
        st, h, raw = s.req("GET", "/v1/secret/data/a", headers=T)
        check(st == 200, tag + "kv2 read 200")
        want = ENVELOPE + (["mount_type"] if vault else [])
        check(keys(raw) == want, tag + "envelope key order %r" % keys(raw))
        check(raw.endswith(b"}\n"), tag + "trailing newline")
        check(h.get("content-type") == "application/json", tag + "content-type")
        check(h.get("cache-control") == "no-store", tag + "cache-control")
        check(b'"wrap_info":null,"warnings":null,"auth":null' in raw, tag + "nulls")
        check(b'"v":"\\u003c\\u0026\\u003e"' in raw, tag + "Go escapes <&>")
        d = js(raw)["data"]
        check(list(d["metadata"].keys()) == sorted(d["metadata"].keys()), tag + "sorted map keys")
        check(d["metadata"]["version"] == 4, tag + "latest version")
        st, h, raw = s.req("DELETE", "/v1/kv/plain", headers=T)
        check(st == 204 and raw == b"" and h.get("content-type") == "application/json",
              tag + "204 with content-type, no body")
        # 2. KV v2
        st, _, raw = s.req("GET", "/v1/secret/data/a?version=1", headers=T)
        check(st == 200 and js(raw)["data"]["data"] == {"v": 1}, tag + "?version=1")
        st, _, raw = s.req("GET", "/v1/secret/data/never", headers=T)
        check(st == 404 and raw == b'{"errors":[]}\n', tag + "never written: 404 errors []")
        st, _, raw = s.req("GET", "/v1/secret/data/a?version=9", headers=T)
        check(st == 404 and raw == b'{"errors":[]}\n', tag + "no such version")
        st, _, raw = s.req("GET", "/v1/secret/data/a?version=2", headers=T)
        check(st == 404 and not raw.endswith(b"\n"), tag + "deleted: 404, no newline")
        d = js(raw)["data"]
        check(d["data"] is None and d["metadata"]["deletion_time"] != "" and
              d["metadata"]["destroyed"] is False, tag + "deleted metadata")
        st, _, raw = s.req("GET", "/v1/secret/data/a?version=3", headers=T)
        check(st == 404 and js(raw)["data"]["metadata"]["destroyed"] is True,
              tag + "destroyed: 404 destroyed true")
        s.req("POST", "/_test/kv2", {"mount": "secret/", "path": "future", "data": {"z": 1},
                                     "deletion_time": "2999-01-01T00:00:00Z"})
        st, _, raw = s.req("GET", "/v1/secret/data/future", headers=T)
        check(st == 200, tag + "future deletion_time reads 200")
        st, _, raw = s.req("GET", "/v1/secret/a", headers=T)
        w = js(raw)["warnings"][0] if st == 404 else ""
        check(st == 404 and js(raw)["data"] is None and
              ("use 'vault kv get'" if vault else "use 'bao kv get'") in w,
              tag + "v1 path on v2 mount: warning")
        st, _, raw = s.req("POST", "/v1/secret/data/new", {"data": {"q": 1}}, headers=T)
        check(st == 200 and list(js(raw)["data"].keys()) ==
              ["created_time", "custom_metadata", "deletion_time", "destroyed", "version"],
              tag + "kv2 write reply")
        st, _, raw = s.req("GET", "/v1/secret/metadata/a", headers=T)
        check(st == 200 and js(raw)["data"]["current_version"] == 4 and
              set(js(raw)["data"]["versions"]) == {"1", "2", "3", "4"}, tag + "metadata")
        st, _, raw = s.req("LIST", "/v1/secret/metadata/", headers=T)
        check(st == 200 and "a" in js(raw)["data"]["keys"], tag + "LIST metadata")
        # 3. KV v1
        st, _, raw = s.req("GET", "/v1/kv/ttl", headers=T)
        e = js(raw)
        check(st == 200 and e["lease_duration"] == 3600 and e["lease_id"] == "" and
              e["renewable"] is False, tag + "kv1 ttl")
        s.req("POST", "/v1/kv/plain", {"b": 1}, headers=T)
        st, _, raw = s.req("GET", "/v1/kv/plain", headers=T)
        check(js(raw)["lease_duration"] == 2764800, tag + "kv1 default lease 2764800")
        # 4. preflight
        st, _, raw = s.req("GET", "/v1/sys/internal/ui/mounts/secret/a/b", headers=T)
        d = js(raw)["data"]
        check(st == 200 and d["options"] == {"version": "2"} and d["path"] == "secret/" and
              keys(raw)[:8] == ENVELOPE, tag + "preflight v2, version a string")
        st, _, raw = s.req("GET", "/v1/sys/internal/ui/mounts/kv/plain", headers=T)
        check(js(raw)["data"]["options"]["version"] == "1", tag + "preflight v1")
        st, _, raw = s.req("GET", "/v1/sys/internal/ui/mounts/nomount/x", headers=T)
        check(st == 403 and b"preflight capability check returned 403" in raw,
              tag + "preflight unknown mount: 403")
        # 5. layout: a custom-named KV mount
        st, _, raw = s.req("GET", "/v1/team-kv/data/x", headers=T)
        check(st == 200 and js(raw)["data"]["data"] == {"k": "y"}, tag + "custom mount")
        # 6. tokens
        st, _, raw = s.req("GET", "/v1/auth/token/lookup-self", headers=T)
        d = js(raw)["data"]
        check(st == 200 and d["expire_time"] is None and "renewable" not in d and
              d["ttl"] == 0, tag + "lookup-self root")
        st, _, raw = s.req("GET", "/v1/auth/token/lookup-self",
                           headers={"Authorization": "Bearer " + child})
        d = js(raw)["data"]
        check(st == 200 and d["renewable"] is True and 0 < d["ttl"] <= 600,
              tag + "lookup-self child, with Authorization: Bearer")
        st, _, raw = s.req("PUT", "/v1/auth/token/renew-self", headers=T)
        check(st == 400 and raw == b'{"errors":["lease is not renewable"]}\n',
              tag + "renew-self root: 400")
        st, _, raw = s.req("PUT", "/v1/auth/token/renew-self", headers={"X-Vault-Token": child})
        check(st == 200 and js(raw)["auth"]["client_token"] == child, tag + "renew-self child")
        st, _, raw = s.req("DELETE", "/v1/auth/token/lookup-self", headers=T)
        check(st == 405 and b"unsupported operation" in raw, tag + "405 unsupported operation")
        st, _, raw = s.req("PUT", "/v1/auth/token/revoke-self", headers={"X-Vault-Token": child})
        check(st == 204, tag + "revoke-self 204")
        st, _, raw = s.req("GET", "/v1/secret/data/a", headers={"X-Vault-Token": child})
        want = (b'{"errors":["2 errors occurred:\\n\\t* permission denied\\n\\t* invalid token\\n\\n"]}\n'
                if vault else b'{"errors":["permission denied"]}\n')
        check(st == 403 and raw == want, tag + "revoked token: flavour 403 body")
        # 7. AppRole, wrapping
        st, _, raw = s.req("POST", "/v1/auth/approle/login", {"role_id": rid, "secret_id": sid},
                           headers={"X-Vault-Token": "hvs.stale"})
        a = js(raw)["auth"] if st == 200 else {}
        check(st == 200 and a.get("metadata") == {"role_name": "r"} and a["orphan"] is True and
              a["token_type"] == "service" and a["client_token"].startswith("hvs."),
              tag + "approle login, stale token ignored")
        check(st == 200 and list(a.keys())[:4] == ["client_token", "accessor", "policies",
                                                   "token_policies"], tag + "auth order")
        st, _, raw = s.req("POST", "/v1/auth/approle/login", {"role_id": rid, "secret_id": "x"})
        check(st == 400 and raw == b'{"errors":["invalid role or secret ID"]}\n',
              tag + "approle bad secret id")
        st, _, raw = s.req("POST", "/v1/auth/approle/role/r/secret-id",
                           headers={"X-Vault-Token": root, "X-Vault-Wrap-TTL": "60s"})
        w = js(raw)
        check(st == 200 and w["request_id"] == "" and w["data"] is None and
              w["wrap_info"]["creation_path"] == "auth/approle/role/r/secret-id" and
              w["wrap_info"]["ttl"] == 60 and "wrapped_accessor" in w["wrap_info"],
              tag + "wrapped secret id")
        wt = w["wrap_info"]["token"]
        st, _, raw = s.req("PUT", "/v1/sys/wrapping/unwrap", "null", headers={"X-Vault-Token": wt})
        u = js(raw)
        check(st == 200 and u["request_id"] != "" and "secret_id" in u["data"] and
              raw.endswith(b"\n"), tag + "unwrap: the original envelope")
        st, _, raw = s.req("PUT", "/v1/sys/wrapping/unwrap", {"token": wt}, headers=T)
        check(st == 400 and raw == b'{"errors":["wrapping token is not valid or does not exist"]}\n',
              tag + "second unwrap: 400")
        st, _, raw = s.req("POST", "/v1/auth/approle/login",
                           {"role_id": rid, "secret_id": u["data"]["secret_id"]})
        check(st == 200, tag + "login with the unwrapped secret id")
        # 8. Kubernetes, JWT at default and custom mounts
        for m in ("kubernetes", "k8s"):
            st, _, raw = s.req("POST", "/v1/auth/%s/login" % m, {"role": "k", "jwt": kjwt})
            check(st == 200 and js(raw)["auth"]["metadata"]["role"] == "k", tag + "k8s " + m)
        st, _, raw = s.req("POST", "/v1/auth/kubernetes/login", {"role": "k", "jwt": "bad"})
        check(st == 403, tag + "k8s bad jwt 403")
        st, _, raw = s.req("POST", "/v1/auth/kubernetes/login", {"jwt": kjwt})
        check(st == 400 and raw == b'{"errors":["missing role"]}\n', tag + "k8s missing role")
        for m in ("jwt", "oidc"):
            st, _, raw = s.req("POST", "/v1/auth/%s/login" % m, {"role": "j", "jwt": jjwt})
            check(st == 200, tag + "jwt " + m)
        st, _, raw = s.req("POST", "/v1/auth/jwt/login", {"role": "nope", "jwt": jjwt})
        check(st == 400 and raw == b'{"errors":["role \\"nope\\" could not be found"]}\n',
              tag + "jwt unknown role")
        # 9. database creds, leases
        st, _, raw = s.req("GET", "/v1/database/creds/ro", headers=T)
        e = js(raw)
        lid = e["lease_id"]
        check(st == 200 and re.match(r"^database/creds/ro/[A-Za-z0-9]{24}$", lid) and
              e["renewable"] is True and e["lease_duration"] == 60 and
              set(e["data"]) == {"username", "password"}, tag + "database creds")
        st, _, raw = s.req("PUT", "/v1/sys/leases/renew", {"lease_id": lid, "increment": 30},
                           headers=T)
        check(st == 200 and js(raw)["lease_id"] == lid and js(raw)["lease_duration"] == 30 and
              js(raw)["data"] is None, tag + "leases/renew PUT")
        st, _, raw = s.req("POST", "/v1/sys/leases/renew/" + lid, {"increment": "1h"}, headers=T)
        check(st == 200 and js(raw)["warnings"] and js(raw)["lease_duration"] <= 120,
              tag + "leases/renew POST, id in the path, capped with a warning")
        st, _, raw = s.req("PUT", "/v1/sys/leases/renew", {}, headers=T)
        check(st == 400 and raw == b'{"errors":["lease_id must be specified"]}\n',
              tag + "renew without a lease id")
        st, _, raw = s.req("PUT", "/v1/sys/leases/renew", {"lease_id": "database/creds/ro/x"},
                           headers=T)
        check(st == 400 and raw == b'{"errors":["lease not found"]}\n', tag + "lease not found")
        # 10. health
        st, _, raw = s.req("GET", "/v1/sys/health")
        b = js(raw)
        check(st == 200 and b["sealed"] is False and "cluster_name" in b and
              (("performance_standby" in b) == vault), tag + "health active")
        st, _, raw = s.req("GET", "/v1/sys/health?activecode=299&standbycode=299")
        check(st == 299, tag + "health override")
        st, _, raw = s.req("GET", "/v1/sys/health?activecode=abc")
        check(st == 400, tag + "health bad code 400")
        st, _, raw = s.req("HEAD", "/v1/sys/health")
        check(st == 200 and raw == b"", tag + "health HEAD no body")
        s.ctl({"standby": True})
        st, _, raw = s.req("GET", "/v1/sys/health")
        check(st == 429 and js(raw)["standby"] is True, tag + "health standby 429, with body")
        st, _, raw = s.req("GET", "/v1/sys/health?standbyok=true")
        check(st == 200, tag + "health standbyok")
        s.ctl({"standby": False, "sealed": True})
        st, _, raw = s.req("GET", "/v1/sys/health")
        check(st == 503 and js(raw)["sealed"] is True and "cluster_name" not in js(raw),
              tag + "health sealed 503")
        st, _, raw = s.req("GET", "/v1/sys/health?sealedcode=299")
        check(st == 299, tag + "health sealedcode")
        st, _, raw = s.req("GET", "/v1/secret/data/a", headers=T)
        check(st == 503 and raw == b'{"errors":["Vault is sealed"]}\n', tag + "sealed 503")
        st, _, raw = s.req("GET", "/v1/sys/seal-status")
        check(st == 200 and js(raw)["sealed"] is True, tag + "seal-status answers")
        s.ctl({"sealed": False})
        # 11. faults
        s.ctl({"faults": [{"path": "secret/data/a", "status": 503, "count": 2}]})
        sts = [s.req("GET", "/v1/secret/data/a", headers=T)[0] for _ in range(3)]
        check(sts == [503, 503, 200], tag + "N x 503 then 200")
        s.ctl({"faults": [{"path": "secret/data/a", "status": 429, "count": 1,
                           "retry_after": 2, "ratelimit_headers": True},
                          {"path": "secret/data/a", "status": 429, "count": 1}]})
        st, h, raw = s.req("GET", "/v1/secret/data/a", headers=T)
        check(st == 429 and h.get("retry-after") == "2" and "x-ratelimit-limit" in h and
              raw == b'{"errors":["request path \\"secret/data/a\\": rate limit quota exceeded"]}\n',
              tag + "429 with Retry-After")
        st, h, raw = s.req("GET", "/v1/secret/data/a", headers=T)
        check(st == 429 and "retry-after" not in h, tag + "429 without Retry-After")
        for code in (500, 501, 412):
            s.ctl({"faults": [{"path": "secret/data/a", "status": code, "count": 1}]})
            st, _, raw = s.req("GET", "/v1/secret/data/a", headers=T)
            check(st == code and "errors" in js(raw), tag + "fault %d" % code)
        s.ctl({"faults": [{"path": "secret/data/a", "drop": True, "status": 0, "count": 1}]})
        try:
            s.req("GET", "/v1/secret/data/a", headers=T)
            check(False, tag + "dropped connection")
        except (http.client.HTTPException, ConnectionError):
            pass
        st, h, raw = s.req("POST", "/v1/secret/data/a?x=1", {"data": {"v": 5}}, headers=T,
                           listener="standby")
        check(st == 307 and h.get("location") == "http://127.0.0.1:%d/v1/secret/data/a?x=1" %
              s.ports["http"], tag + "standby 307 to the active node")
        s.ctl({"standby_forwarding": True})
        st, _, _ = s.req("GET", "/v1/secret/data/a", headers=T, listener="standby")
        check(st == 200, tag + "standby forwards")
        st, _, _ = s.req("GET", "/v1/secret/data/a", listener="standby",
                         headers={"X-Vault-Token": root, "X-Vault-No-Request-Forwarding": "true"})
        check(st == 307, tag + "X-Vault-No-Request-Forwarding: 307")
        # 12. transport
        st, _, raw = s.req("GET", "/v1/secret/data/a", headers={"X-Vault-Token": root,
                                                                "X-Vault-Namespace": "ns1/"})
        check(st == 200 and js(raw)["data"]["data"] == {"v": "ns"}, tag + "namespace header")
        st, _, raw = s.req("GET", "/v1/sys/internal/ui/mounts/secret/a",
                           headers={"X-Vault-Token": root, "X-Vault-Namespace": "ns1"})
        check(st == 200 and js(raw)["data"]["path"] == "secret/", tag + "namespace preflight")
        st, _, raw = s.req("GET", "/v1/secret/data/a", headers=T, listener="unix")
        check(st == 200, tag + "unix socket")
        st, _, raw = s.req("GET", "/v1/nomount/x", headers=T)
        check(st == 404 and raw == b'{"errors":["no handler for route \\"nomount/x\\". '
              b'route entry not found."]}\n', tag + "no handler for route")
        st, _, raw = s.req("BREW", "/v1/secret/data/a", headers=T)
        check(st == 405 and raw == b'{"errors":[]}\n', tag + "unknown verb 405")
        st, _, raw = s.req("POST", "/v1/kv/x", "{bad", headers=T)
        check(st == 400, tag + "malformed JSON 400")
        check_log(s, (root, child, sid, rid, kjwt, jjwt), tag)
    finally:
        s.stop()
    # Vault Agent with require_request_header
    s = Server(flavor, dict(seed, require_request_header=True))
    try:
        st, _, raw = s.req("GET", "/v1/secret/data/a", headers=T)
        check(st == 412 and raw == b'{"errors":["missing \\"X-Vault-Request\\" header"]}\n',
              tag + "412 without X-Vault-Request")
        st, _, raw = s.req("GET", "/v1/secret/data/a",
                           headers={"X-Vault-Token": root, "X-Vault-Request": "true"})
        check(st == 200, tag + "X-Vault-Request: true accepted")
        check_log(s, (root,), tag)
    finally:
        s.stop()


def main():
    for flavor in ("vault", "openbao"):
        run(flavor)
    if failures:
        print("%d checks failed" % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
