#!/usr/bin/python3
"""Pack a gen_corpus.py corpus into an OCI image layout for `hush image`.

usage: gen_image.py CORPUS OUTDIR [--layers 6] [--level 6]

The corpus files (sorted) are spread over --layers gzip layers of about the
same size, under /srv/data/..., with fixed mtimes, so that the output is the
same on every run. A last small layer deletes one planted file with a
whiteout, so the report also shows a "removed in layer N" finding. The
layers are compressed in parallel (one process per layer). The config
carries a history entry per layer and an Env list. Only the python3
standard library is used.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
from multiprocessing import Pool

MTIME = 1700000000


def write_layer(args):
    idx, files, corpus, outdir, level = args
    path = os.path.join(outdir, "layer%d.tar.gz" % idx)
    raw = hashlib.sha256()
    with open(path, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=level, mtime=0) as gz:
            class Tee:
                def write(self, b):
                    raw.update(b)
                    gz.write(b)
                    return len(b)
            with tarfile.open(fileobj=Tee(), mode="w|", format=tarfile.PAX_FORMAT) as t:
                for rel in files:
                    full = os.path.join(corpus, rel)
                    ti = tarfile.TarInfo("srv/data/" + rel)
                    ti.size = os.path.getsize(full)
                    ti.mtime = MTIME
                    ti.mode = 0o644
                    with open(full, "rb") as src:
                        t.addfile(ti, src)
    return idx, path, "sha256:" + raw.hexdigest()


def blob(outdir, data_or_path):
    if isinstance(data_or_path, bytes):
        h = hashlib.sha256(data_or_path).hexdigest()
        dst = os.path.join(outdir, "blobs", "sha256", h)
        with open(dst, "wb") as f:
            f.write(data_or_path)
        return "sha256:" + h, len(data_or_path)
    h = hashlib.sha256()
    with open(data_or_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    size = os.path.getsize(data_or_path)
    os.replace(data_or_path, os.path.join(outdir, "blobs", "sha256", h.hexdigest()))
    return "sha256:" + h.hexdigest(), size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("outdir")
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--level", type=int, default=6)
    a = ap.parse_args()
    files = []
    for root, dirs, names in os.walk(a.corpus):
        dirs.sort()
        for n in sorted(names):
            rel = os.path.relpath(os.path.join(root, n), a.corpus)
            if rel != "PLANTED.txt":
                files.append(rel)
    total = sum(os.path.getsize(os.path.join(a.corpus, f)) for f in files)
    groups, cur, acc = [], [], 0
    for f in files:
        cur.append(f)
        acc += os.path.getsize(os.path.join(a.corpus, f))
        if acc >= total * (len(groups) + 1) / a.layers and len(groups) < a.layers - 1:
            groups.append(cur)
            cur = []
    groups.append(cur)
    if os.path.exists(a.outdir):
        shutil.rmtree(a.outdir)
    os.makedirs(os.path.join(a.outdir, "blobs", "sha256"))
    with Pool(len(groups)) as p:
        done = sorted(p.map(write_layer, [(i, g, a.corpus, a.outdir, a.level)
                                          for i, g in enumerate(groups)]))
    layers, diff_ids = [], []
    for idx, path, diff in done:
        d, size = blob(a.outdir, path)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": d, "size": size})
        diff_ids.append(diff)
    # a last layer deleting the first planted file, if the corpus lists one
    planted = os.path.join(a.corpus, "PLANTED.txt")
    victim = None
    if os.path.exists(planted):
        for line in open(planted):
            if line.strip() and not line.startswith("#"):
                victim = line.split()[0]
                break
    if victim:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
            d, b = os.path.split("srv/data/" + victim)
            ti = tarfile.TarInfo(d + "/.wh." + b)
            ti.mtime = MTIME
            t.addfile(ti, io.BytesIO(b""))
        raw = buf.getvalue()
        d, size = blob(a.outdir, gzip.compress(raw, mtime=0))
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": d, "size": size})
        diff_ids.append("sha256:" + hashlib.sha256(raw).hexdigest())
    history = [{"created": "2023-11-14T22:13:20Z",
                "created_by": "COPY data%d /srv/data/ # buildkit" % i}
               for i in range(len(groups))]
    if victim:
        history.append({"created": "2023-11-14T22:13:20Z",
                        "created_by": "RUN /bin/sh -c rm /srv/data/" + victim})
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "config": {"Env": ["PATH=/usr/bin", "LANG=C.UTF-8"]},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids},
                         "history": history}, sort_keys=True).encode()
    cd, csize = blob(a.outdir, config)
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": cd, "size": csize},
                           "layers": layers}, sort_keys=True).encode()
    md, msize = blob(a.outdir, manifest)
    with open(os.path.join(a.outdir, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
             "digest": md, "size": msize,
             "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}, f)
    with open(os.path.join(a.outdir, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')
    print("gen_image: %d files, %.1f MB in %d layers" % (len(files), total / 1e6, len(layers)))


if __name__ == "__main__":
    sys.exit(main())
