#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mkimages.py OUT - write the container image fixtures of the hush image
tests into OUT: OCI layout folders, OCI archives, docker save tarballs
(legacy and Docker 25+ with an OCI layout inside) and broken ones. Layer
tars use fixed mtimes and owners, so every digest (and so every report) is
the same on each run. Fake tokens are derived from fixed seeds here, so that
no literal token sits in the repository. zstd layers need the zstd tool."""
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile

MTIME = 1700000000
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def fake(prefix, seed, n=36):
    """A token in a rule's format, obviously fake: fixed seed, fixed output."""
    rng = random.Random("hush-image-fixture-" + seed)
    return prefix + "".join(rng.choice(ALNUM) for _ in range(n))


GH = {k: fake("ghp_", k) for k in
      ("deleted", "opaque", "overwritten", "present", "env", "label",
       "amd64", "arm64", "other")}
NPM = fake("npm_", "buildarg")


def tar_bytes(entries):
    """entries: (name, kind, data-or-target); kind file|dir|sym|link."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, data in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = MTIME
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = "root"
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                t.addfile(ti)
            elif kind == "sym":
                ti.type = tarfile.SYMTYPE
                ti.linkname = data
                t.addfile(ti)
            elif kind == "link":
                ti.type = tarfile.LNKTYPE
                ti.linkname = data
                t.addfile(ti)
            else:
                if isinstance(data, str):
                    data = data.encode()
                ti.size = len(data)
                ti.mode = 0o644
                t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def zst(data):
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=data,
                          stdout=subprocess.PIPE, check=True).stdout


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


MT_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_ZST = "application/vnd.oci.image.layer.v1.tar+zstd"
MT_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"


def jbytes(obj):
    return json.dumps(obj, indent=2, sort_keys=True).encode()


class Image:
    """An image: layers as (raw tar, stored blob, media type), a config."""

    def __init__(self, layers, config):
        self.layers = []
        for raw, comp in layers:
            blob = {"gzip": gz, "zstd": zst, "tar": lambda d: d}[comp](raw)
            mt = {"gzip": MT_GZ, "zstd": MT_ZST, "tar": MT_TAR}[comp]
            self.layers.append((raw, blob, mt))
        config = dict(config)
        config["rootfs"] = {"type": "layers",
                            "diff_ids": [sha(r) for r, _, _ in self.layers]}
        self.config = jbytes(config)
        self.manifest = jbytes({
            "schemaVersion": 2, "mediaType": MT_MANIFEST,
            "config": {"mediaType": MT_CONFIG, "digest": sha(self.config),
                       "size": len(self.config)},
            "layers": [{"mediaType": mt, "digest": sha(b), "size": len(b)}
                       for _, b, mt in self.layers]})

    def blobs(self):
        out = {sha(self.config): self.config, sha(self.manifest): self.manifest}
        for _, b, _ in self.layers:
            out[sha(b)] = b
        return out

    def descriptor(self, ref=None, platform=None):
        d = {"mediaType": MT_MANIFEST, "digest": sha(self.manifest),
             "size": len(self.manifest)}
        if ref:
            d["annotations"] = {"org.opencontainers.image.ref.name": ref}
        if platform:
            os_, arch = platform.split("/")[:2]
            d["platform"] = {"os": os_, "architecture": arch}
        return d


def history(*entries):
    out = []
    for cb, empty in entries:
        h = {"created": "2023-11-14T22:13:20Z", "created_by": cb,
             "comment": "buildkit.dockerfile.v0"}
        if empty:
            h["empty_layer"] = True
        out.append(h)
    return out


def demo_image(third="zstd"):
    l1 = tar_bytes([
        ("etc", "dir", None), ("etc/os-release", "file", 'NAME="Fixture"\n'),
        ("opt", "dir", None),
        ("opt/present.txt", "file", "token = %s\n" % GH["present"]),
        ("srv", "dir", None),
        ("srv/config.yml", "file", "github:\n  token: %s\n" % GH["overwritten"]),
        ("usr/bin/python3", "sym", "python3.11"),
        ("usr/lib/os-release", "sym", "../../etc/os-release"),
    ])
    l2 = tar_bytes([
        ("app", "dir", None),
        ("app/.env", "file", "APP=demo\nGITHUB_TOKEN=%s\n" % GH["deleted"]),
        ("etc/conf", "dir", None),
        ("etc/conf/creds.ini", "file", "[gh]\ntoken=%s\n" % GH["opaque"]),
        ("srv/config.yml", "file", "github:\n  token: read-from-env\n"),
        ("app/env.link", "link", "app/.env"),
    ])
    l3 = tar_bytes([
        ("app/.wh..env", "file", b""),
        ("etc/conf/.wh..wh..opq", "file", b""),
        ("etc/conf/app.ini", "file", "[app]\nmode=prod\n"),
    ])
    cfg = {
        "architecture": "amd64", "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/bin:/usr/bin",
                    "GITHUB_TOKEN=%s" % GH["env"], "DB_PASSWORD=changeme"],
            "Labels": {"org.opencontainers.image.title": "fixture",
                       "org.example.deploy": "token %s" % GH["label"]},
            "Cmd": ["/bin/sh"],
        },
        "history": history(
            ("ADD rootfs.tar / # buildkit", False),
            ("ENV GITHUB_TOKEN=%s" % GH["env"], True),
            ("RUN |2 NPM_TOKEN=%s APP_VERSION=1.0 /bin/sh -c npm ci" % NPM,
             False),
            ("LABEL org.example.deploy=token %s" % GH["label"], True),
            ("RUN /bin/sh -c rm -f /app/.env && rm -rf /etc/conf/*", False),
            ('CMD ["/bin/sh"]', True),
        ),
    }
    return Image([(l1, "gzip"), (l2, "gzip"), (l3, third)], cfg)


def write_layout(path, images_with_desc, extra_blobs=None):
    """An OCI layout folder; images_with_desc: (image, descriptor)."""
    os.makedirs(os.path.join(path, "blobs", "sha256"))
    blobs = {}
    for im, _ in images_with_desc:
        blobs.update(im.blobs())
    blobs.update(extra_blobs or {})
    for d, b in blobs.items():
        with open(os.path.join(path, "blobs", "sha256", d[7:]), "wb") as f:
            f.write(b)
    with open(os.path.join(path, "oci-layout"), "wb") as f:
        f.write(b'{"imageLayoutVersion": "1.0.0"}')
    index = {"schemaVersion": 2, "mediaType": MT_INDEX,
             "manifests": [d for _, d in images_with_desc]}
    with open(os.path.join(path, "index.json"), "wb") as f:
        f.write(jbytes(index))


def tar_dir(src, dst, extra=None):
    """A folder as a tar, sorted, with fixed metadata; extra: (name, bytes)."""
    with tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as t:
        for root, dirs, files in os.walk(src):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                rel = os.path.relpath(full, src)
                ti = tarfile.TarInfo(rel)
                ti.mtime = MTIME
                ti.size = os.path.getsize(full)
                with open(full, "rb") as f:
                    t.addfile(ti, f)
        for name, data in extra or []:
            ti = tarfile.TarInfo(name)
            ti.mtime = MTIME
            if isinstance(data, str):
                ti.type = tarfile.SYMTYPE
                ti.linkname = data
                t.addfile(ti)
                continue
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))


def write_legacy(dst, tagged):
    """A legacy docker save: <id>/layer.tar, <hex>.json, manifest.json."""
    manifest, repos = [], {}
    with tarfile.open(dst, "w", format=tarfile.PAX_FORMAT) as t:
        def add(name, data):
            ti = tarfile.TarInfo(name)
            ti.mtime = MTIME
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        for tag, im in tagged:
            layers = []
            for raw, _, _ in im.layers:
                lid = hashlib.sha256(b"id" + raw).hexdigest()
                add(lid + "/VERSION", b"1.0")
                add(lid + "/layer.tar", raw)
                layers.append(lid + "/layer.tar")
            cname = sha(im.config)[7:] + ".json"
            add(cname, im.config)
            manifest.append({"Config": cname, "RepoTags": [tag],
                             "Layers": layers})
            name, _, ver = tag.rpartition(":")
            repos.setdefault(name, {})[ver] = layers[-1].split("/")[0]
        add("repositories", jbytes(repos))
        add("manifest.json", jbytes(manifest))


def skopeo(src, dst):
    subprocess.run(["skopeo", "--insecure-policy", "copy", "-q", src, dst],
                   check=True, stdout=subprocess.DEVNULL)


def platform_image(arch):
    layer = tar_bytes([("etc", "dir", None),
                       ("etc/arch.conf", "file",
                        "arch=%s\ntoken=%s\n" % (arch, GH[arch]))])
    cfg = {"architecture": arch, "os": "linux", "config": {"Env": ["A=1"]},
           "history": history(("ADD arch.tar /", False))}
    return Image([(layer, "gzip")], cfg)


def write_good(out):
    im = demo_image()
    write_layout(os.path.join(out, "oci-dir"), [(im, im.descriptor("1.0"))])
    # an OCI archive and a legacy docker save written by skopeo
    skopeo("oci:%s:1.0" % os.path.join(out, "oci-dir"),
           "oci-archive:%s:1.0" % os.path.join(out, "skopeo-oci.tar"))
    # docker-archive wants uncompressed-able layers; a gzip-only copy
    gzim = demo_image(third="gzip")
    write_layout(os.path.join(out, "oci-gz"), [(gzim, gzim.descriptor("1.0"))])
    skopeo("oci:%s:1.0" % os.path.join(out, "oci-gz"),
           "docker-archive:%s:fixture/demo:1.0" %
           os.path.join(out, "skopeo-docker.tar"))
    # our own OCI archive, and a Docker 25+ save (OCI layout + manifest.json)
    tar_dir(os.path.join(out, "oci-dir"), os.path.join(out, "oci.tar"))
    # Docker 25+ also keeps <id>/layer.tar as a symlink into blobs/
    first = sha(im.layers[0][1])[7:]
    d25 = [{"Config": "blobs/sha256/" + sha(im.config)[7:],
            "RepoTags": ["fixture/demo:1.0"],
            "Layers": ["%s/layer.tar" % first] +
                      ["blobs/sha256/" + sha(b)[7:] for _, b, _ in im.layers[1:]]}]
    tar_dir(os.path.join(out, "oci-dir"), os.path.join(out, "docker25.tar"),
            [("manifest.json", jbytes(d25)),
             ("%s/layer.tar" % first, "../blobs/sha256/" + first)])
    write_legacy(os.path.join(out, "legacy.tar"), [("fixture/demo:1.0", gzim)])
    # two tagged images in one save
    other = Image([(tar_bytes([("note.txt", "file",
                                "token %s\n" % GH["other"])]), "tar")],
                  {"os": "linux", "architecture": "amd64",
                   "history": history(("COPY note.txt /", False))})
    write_legacy(os.path.join(out, "two.tar"),
                 [("fixture/demo:1.0", gzim), ("fixture/other:2.0", other)])
    # a multi-platform index (nested) in an OCI folder
    amd, arm = platform_image("amd64"), platform_image("arm64")
    # BuildKit provenance attestations: build args show up in them
    extra, att_descs = {}, []
    for im, arg in ((amd, fake("npm_", "provenance")), (arm, "1.0")):
        prov = jbytes({"_type": "https://in-toto.io/Statement/v0.1",
                       "predicateType": "https://slsa.dev/provenance/v0.2",
                       "predicate": {"invocation": {"parameters": {"args": {
                           "build-arg:NPM_TOKEN": arg}}}}})
        cfg = b"{}"
        att = jbytes({"schemaVersion": 2, "mediaType": MT_MANIFEST,
                      "config": {"mediaType": MT_CONFIG, "digest": sha(cfg),
                                 "size": len(cfg)},
                      "layers": [{"mediaType": "application/vnd.in-toto+json",
                                  "digest": sha(prov), "size": len(prov)}]})
        extra.update({sha(prov): prov, sha(cfg): cfg, sha(att): att})
        att_descs.append({"mediaType": MT_MANIFEST, "digest": sha(att),
                          "size": len(att),
                          "platform": {"os": "unknown", "architecture": "unknown"},
                          "annotations": {
                              "vnd.docker.reference.digest": sha(im.manifest),
                              "vnd.docker.reference.type": "attestation-manifest"}})
    inner = jbytes({"schemaVersion": 2, "mediaType": MT_INDEX,
                    "manifests": [amd.descriptor(platform="linux/amd64"),
                                  arm.descriptor(platform="linux/arm64")] +
                    att_descs})
    extra[sha(inner)] = inner
    path = os.path.join(out, "multi")
    write_layout(path, [(amd, None), (arm, None)], extra)
    with open(os.path.join(path, "index.json"), "wb") as f:
        f.write(jbytes({"schemaVersion": 2, "mediaType": MT_INDEX,
                        "manifests": [{"mediaType": MT_INDEX,
                                       "digest": sha(inner),
                                       "size": len(inner),
                                       "annotations": {
                                           "org.opencontainers.image.ref.name":
                                               "multi"}}]}))


def one_layer_layout(path, layer_blob, mt=MT_GZ, raw=None):
    im = Image([(b"", "tar")], {"os": "linux", "architecture": "amd64"})
    im.layers = [(raw or b"", layer_blob, mt)]
    cfg = json.loads(im.config)
    cfg["rootfs"]["diff_ids"] = [sha(raw or layer_blob)]
    im.config = jbytes(cfg)
    im.__init__.__func__  # keep linters quiet about the re-use below
    im.manifest = jbytes({
        "schemaVersion": 2, "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "digest": sha(im.config),
                   "size": len(im.config)},
        "layers": [{"mediaType": mt, "digest": sha(layer_blob),
                    "size": len(layer_blob)}]})
    write_layout(path, [(im, im.descriptor("bad"))])
    return im


def big_text():
    """About 10 MiB of log lines with tokens planted around the 4 MiB piece
    boundaries (one across a boundary, some in the overlap), so that
    findings in pieces can be checked against `hush dir` of the same bytes."""
    rng = random.Random("hush-image-big")
    words = ["request", "served", "GET", "/api/v1/items", "200", "cache",
             "miss", "upstream", "latency", "ms", "user", "session", "ok"]
    piece = 4 * 1024 * 1024
    plant = [1000, piece - 20, piece - 3000, piece + 5, 2 * piece - 17,
             2 * piece + 9000, 10 * 1024 * 1024 - 500]
    out = bytearray()
    n = 0
    while len(out) < 10 * 1024 * 1024:
        if plant and len(out) >= plant[0]:
            out += b"token=" + fake("ghp_", "big%d" % n).encode() + b"\n"
            plant.pop(0)
            n += 1
            continue
        out += (" ".join(rng.choice(words) for _ in range(rng.randint(4, 14)))
                + "\n").encode()
    return bytes(out)


def write_big(out):
    data = big_text()
    os.makedirs(os.path.join(out, "big-tree"))
    with open(os.path.join(out, "big-tree", "big.txt"), "wb") as f:
        f.write(data)
    layer = tar_bytes([("var", "dir", None), ("var/big.txt", "file", data)])
    im = Image([(layer, "gzip")], {"os": "linux", "architecture": "amd64",
                                   "history": history(("COPY big.txt /var/",
                                                       False))})
    write_layout(os.path.join(out, "big"), [(im, im.descriptor("big"))])


def write_bad(out):
    b = os.path.join(out, "bad")
    os.makedirs(b)
    legacy = open(os.path.join(out, "legacy.tar"), "rb").read()
    with open(os.path.join(b, "truncated.tar"), "wb") as f:
        f.write(legacy[:len(legacy) // 2 + 100])
    one_layer_layout(os.path.join(b, "notar"), b"this is not a tar archive\n" * 40,
                     MT_TAR)
    one_layer_layout(os.path.join(b, "symlink-out"), gz(tar_bytes(
        [("etc/passwd", "sym", "../../../../etc/shadow")])))
    one_layer_layout(os.path.join(b, "hardlink-out"), gz(tar_bytes(
        [("x", "link", "../outside")])))
    one_layer_layout(os.path.join(b, "dotdot"), gz(tar_bytes(
        [("app/../../escape.txt", "file", "x\n")])))
    one_layer_layout(os.path.join(b, "bad-whiteout"), gz(tar_bytes(
        [("app/.wh.", "file", b"")])))
    one_layer_layout(os.path.join(b, "bomb"), gz(tar_bytes(
        [("zeros.bin", "file", bytes(8 * 1024 * 1024))])))
    one_layer_layout(os.path.join(b, "mediatype"), zst(tar_bytes(
        [("ok.txt", "file", "fine\n")])), MT_GZ)
    # a layer blob changed after its digest was taken
    im = one_layer_layout(os.path.join(b, "digest"), gz(tar_bytes(
        [("a.txt", "file", "original\n")])))
    blob = sha(im.layers[0][1])[7:]
    with open(os.path.join(b, "digest", "blobs", "sha256", blob), "wb") as f:
        f.write(gz(tar_bytes([("a.txt", "file", "tampered\n")])))
    # a config blob that does not match either
    shutil.copytree(os.path.join(out, "oci-dir"), os.path.join(b, "config-digest"))
    cfgd = json.loads(open(os.path.join(out, "oci-dir", "blobs", "sha256",
                                        sha(demo_image().manifest)[7:])).read()
                      )["config"]["digest"][7:]
    with open(os.path.join(b, "config-digest", "blobs", "sha256", cfgd), "ab") as f:
        f.write(b" ")
    # a missing layer blob, in a folder and in an archive
    shutil.copytree(os.path.join(out, "oci-dir"), os.path.join(b, "missing"))
    lay = json.loads(open(os.path.join(out, "oci-dir", "blobs", "sha256",
                                       sha(demo_image().manifest)[7:])).read()
                     )["layers"][1]["digest"][7:]
    os.unlink(os.path.join(b, "missing", "blobs", "sha256", lay))
    tar_dir(os.path.join(b, "missing"), os.path.join(b, "missing.tar"))
    # bad JSON in manifest.json
    with tarfile.open(os.path.join(b, "badjson.tar"), "w") as t:
        data = b'[{"Config": "x.json", "Layers": [}'
        ti = tarfile.TarInfo("manifest.json")
        ti.mtime = MTIME
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_good(out)
    write_big(out)
    write_bad(out)


if __name__ == "__main__":
    main()
