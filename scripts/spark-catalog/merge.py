#!/usr/bin/env python3
"""Merge per-version dumps of Spark's config registry into one compact catalog.

Called by scripts/gen-spark-catalog.sh; the format is described in data/README.md.

    merge.py OUT.json.gz WORKDIR VERSION...

For each VERSION, WORKDIR/VERSION/ holds raw-A.jsonl and raw-B.jsonl (two dumps by
DumpSparkConf.java taken with a different working directory, host name, time zone, heap
and core count, so defaults that depend on the machine can be told apart) and jars/
(the pyspark tarball's deps/jars, for the Hadoop and Scala versions and core-default.xml).
"""
import datetime
import glob
import gzip
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

DOC_MAX = 200
FORMAT = 1


def vtuple(v):
    out = []
    for part in re.split(r"[.\-]", v or ""):
        if not part.isdigit():
            break
        out.append(int(part))
    return tuple(out)


def line_of(version):
    return ".".join(version.split(".")[:2])


_WS = re.compile(r"\s+")
# a sentence ends at ". " (or "! ", "? ") unless the dot belongs to e.g./i.e./etc./vs.
_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bapprox)[.!?](?=\s|$)")


def first_sentence(doc):
    if not doc:
        return ""
    doc = _WS.sub(" ", doc).strip()
    m = _END.search(doc)
    s = doc[: m.end()] if m else doc
    if len(s) > DOC_MAX:
        cut = s[: DOC_MAX - 1]
        if " " in cut[DOC_MAX // 2:]:
            cut = cut[: cut.rindex(" ")]
        s = cut.rstrip(" ,;:") + "…"
    return s


def load(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["kind"] == "core-alternate":
                rows[(r["kind"], r["key"], r["replacement"])] = r
            else:
                rows[(r["kind"], r["key"])] = r
    return rows


def sanitize_default(key, a, b, env):
    """A default that differs between the two runs depends on the machine."""
    subs = [
        (env["A"]["cwd"], "$PWD"), (env["B"]["cwd"], "$PWD"),
        ("probe-host-A", "<local hostname>"), ("probe-host-B", "<local hostname>"),
    ]
    sa, sb = a, b
    for x, y in subs:
        sa = sa.replace(x, y)
        sb = sb.replace(x, y)
    if sa == sb:
        return sa
    if key == "spark.sql.session.timeZone" or (a, b) == ("UTC", "Asia/Tokyo"):
        return "<JVM default time zone>"
    return "<computed at runtime>"


GROUP_PREFIXES = [
    ("connect", ("spark.connect.",)),
    ("k8s", ("spark.kubernetes.",)),
    ("yarn", ("spark.yarn.",)),
    ("mesos", ("spark.mesos.",)),
    ("history", ("spark.history.",)),
]


def group_of(r):
    key, origin = r["key"], r.get("origin") or ""
    if origin.endswith(".connect.config.Connect$"):
        return "connect"
    if origin.endswith(".deploy.k8s.Config$"):
        return "k8s"
    if ".deploy.yarn." in origin:
        return "yarn"
    if ".deploy.mesos." in origin:
        return "mesos"
    for g, prefixes in GROUP_PREFIXES:
        if key.startswith(prefixes):
            return g
    if r.get("sql"):
        return "sql"
    if origin.endswith("StreamingConf$") or key.startswith("spark.streaming."):
        return "streaming"
    return "core"


KEY_RE = re.compile(r"spark\.[A-Za-z0-9_.\-]*[A-Za-z0-9_]")


def replacement_in(message, key, known):
    """The first other key named in a deprecation message that the catalog knows."""
    for m in KEY_RE.finditer(message or ""):
        k = m.group(0)
        if k != key and k in known:
            return k
    return None


def s3a_entries(jar, hadoop):
    with zipfile.ZipFile(jar) as z:
        root = ET.fromstring(z.read("core-default.xml"))
    out = {}
    for p in root.iter("property"):
        name = (p.findtext("name") or "").strip()
        if not name.startswith("fs.s3a."):
            continue
        value = (p.findtext("value") or "").strip()
        rec = {
            "group": "s3a",
            "default": value,
            "doc": first_sentence(p.findtext("description") or ""),
            "hadoop": hadoop,
        }
        # Hadoop parses most numeric S3A keys leniently (getTimeDuration/getLongBytes accept
        # suffixes in newer releases, not in older ones): only booleans are typed.
        if value in ("true", "false"):
            rec["type"] = "boolean"
        out["spark.hadoop." + name] = rec
    return out


def version_data(work, version, env):
    vdir = os.path.join(work, version)
    a = load(os.path.join(vdir, "raw-A.jsonl"))
    b = load(os.path.join(vdir, "raw-B.jsonl"))
    jars = os.path.join(vdir, "jars")
    core = glob.glob(os.path.join(jars, "spark-core_*.jar"))
    scala = re.search(r"spark-core_([0-9.]+)-", os.path.basename(core[0])).group(1) if core else None
    hjar = sorted(glob.glob(os.path.join(jars, "hadoop-client-api-*.jar")))
    hadoop = re.search(r"hadoop-client-api-(.+)\.jar$", hjar[0]).group(1) if hjar else None
    props, deprecated, removed = {}, {}, {}
    dynamic = []
    for k, r in a.items():
        kind = r["kind"]
        if kind == "entry":
            typ = r.get("type")
            if typ in ("other:scala.math.BigDecimal", "other:java.math.BigDecimal"):
                typ = "decimal"  # spark.task.cpus in 4.3: fractional CPUs
            rec = {
                "group": group_of(r),
                "since": r.get("since") or None,
                "type": typ,
                "default": r.get("default"),
                "doc": first_sentence(r.get("doc")),
                "public": bool(r.get("public")),
            }
            if rec["group"] == "sql" and r.get("static"):
                rec["static"] = True
            other = b.get(k)
            if other is not None and other.get("default") != r.get("default"):
                rec["default"] = sanitize_default(r["key"], r["default"], other["default"], env)
                rec["dynamic"] = True
                dynamic.append(r["key"])
            if r.get("alternatives"):
                rec["alternatives"] = r["alternatives"]
            if r.get("values"):
                rec["values"] = r["values"]
                if r.get("valuesCaseInsensitive"):
                    rec["valuesCaseInsensitive"] = True
            if r.get("fallback"):
                rec["fallback"] = r["fallback"]
            if rec["public"]:
                del rec["public"]  # absent means public
            if not rec["doc"]:
                del rec["doc"]
            props[r["key"]] = {x: y for x, y in rec.items() if y is not None}
    # alternates first: a key that is also in deprecatedConfigs keeps the replacement and gains the message
    for k, r in sorted(a.items(), key=lambda kv: kv[1]["kind"] != "core-alternate"):
        kind = r["kind"]
        if kind == "core-alternate":
            deprecated[r["key"]] = {
                "replacement": r["replacement"],
                "since": r.get("version"),
                "source": "SparkConf.configsWithAlternatives",
            }
            if r.get("translated"):
                deprecated[r["key"]]["translated"] = True
        elif kind in ("core-deprecated", "sql-deprecated"):
            if r["key"] in deprecated:  # an alternate key with a message: keep the replacement
                deprecated[r["key"]]["message"] = r.get("message")
                continue
            rec = {
                "replacement": replacement_in(r.get("message"), r["key"], props),
                "since": r.get("version"),
                "message": r.get("message"),
                "source": "SparkConf.deprecatedConfigs" if kind == "core-deprecated" else "SQLConf.deprecatedSQLConfigs",
            }
            deprecated[r["key"]] = {x: y for x, y in rec.items() if y is not None}
        elif kind == "sql-removed":
            rec = {
                "replacement": replacement_in(r.get("message"), r["key"], props),
                "since": r.get("version"),
                "default": r.get("default"),
                "message": r.get("message"),
                "source": "SQLConf.removedSQLConfigs",
            }
            removed[r["key"]] = {x: y for x, y in rec.items() if y is not None}
    for key, d in deprecated.items():
        if key in props:
            d["registered"] = True
    # Names Spark reads by string literal without registering a ConfigEntry (spark.master, ...).
    literals = {"keys": [], "prefixes": []}
    lpath = os.path.join(vdir, "literals.json")
    if os.path.exists(lpath):
        with open(lpath, encoding="utf-8") as f:
            literals = json.load(f)
    for key in literals["keys"]:
        if key not in props and key not in deprecated and key not in removed:
            props[key] = {"group": group_of({"key": key}), "literal": True}
    prefixes = {p: {} for p in literals["prefixes"]}
    s3a = s3a_entries(hjar[0], hadoop) if hjar else {}
    meta = {"pyspark": version, "scala": scala, "hadoop": hadoop}
    return meta, props, deprecated, removed, s3a, sorted(dynamic), prefixes


def merge(per_version, field_order):
    """{label: {key: rec}} -> {key: rec with "in" and per-version overrides in "by"}."""
    labels = list(per_version)
    out = {}
    keys = sorted(set().union(*[set(d) for d in per_version.values()]))
    for key in keys:
        present = [lb for lb in labels if key in per_version[lb]]
        base_label = present[-1]  # newest version carries the base record
        base = per_version[base_label][key]
        rec = {"in": present}
        rec.update(base)
        by = {}
        for lb in present[:-1]:
            r = per_version[lb][key]
            diff = {f: r.get(f) for f in set(r) | set(base) if r.get(f) != base.get(f)}
            if diff:
                by[lb] = {f: diff[f] for f in sorted(diff, key=lambda f: field_order.index(f) if f in field_order else 99)}
        if by:
            rec["by"] = by
        out[key] = rec
    return out


FIELDS = ["group", "since", "type", "default", "doc", "public", "static", "dynamic", "alternatives",
          "values", "valuesCaseInsensitive", "fallback", "literal", "hadoop", "derivedFrom", "replacement", "message",
          "translated", "registered", "source"]


def main():
    out_path, work = sys.argv[1], sys.argv[2]
    versions = sorted(sys.argv[3:], key=vtuple)
    labels = [line_of(v) for v in versions]
    if len(set(labels)) != len(labels):
        sys.exit("two versions of the same minor line: " + " ".join(versions))
    env = {"A": {"cwd": os.path.join(work, "run-A")}, "B": {"cwd": os.path.join(work, "run-B")}}
    meta, props, deps, rems, s3as, prefs = {}, {}, {}, {}, {}, {}
    connect_src = None
    for v, lb in zip(versions, labels):
        m, p, d, r, s, dyn, pf = version_data(work, v, env)
        meta[lb] = m
        prefs[lb] = pf
        props[lb], deps[lb], rems[lb], s3as[lb] = p, d, r, s
        m["dynamicDefaults"] = dyn
        m["connectJar"] = bool(glob.glob(os.path.join(work, v, "jars", "spark-connect_*.jar")))
        if m["connectJar"]:
            connect_src = lb
    # Versions whose tarball has no spark-connect jar (3.5): take the Connect keys of the
    # newest version that has one, keeping those whose "since" is not newer than the version.
    for v, lb in zip(versions, labels):
        if meta[lb]["connectJar"] or connect_src is None:
            continue
        added = 0
        for key, rec in props[connect_src].items():
            if rec["group"] != "connect" or not rec.get("since") or rec.get("literal"):
                continue
            if key not in props[lb] and vtuple(rec["since"])[:2] <= vtuple(v)[:2]:
                props[lb][key] = dict(rec, derivedFrom=meta[connect_src]["pyspark"])
                added += 1
        meta[lb]["connectDerivedFrom"] = meta[connect_src]["pyspark"]
        print(f"{v}: {added} Connect keys taken from {meta[connect_src]['pyspark']} (since <= {lb})", file=sys.stderr)
    for lb in labels:
        counts = {}
        for rec in props[lb].values():
            g = "literal" if rec.get("literal") else rec["group"]
            counts[g] = counts.get(g, 0) + 1
        counts["s3a"] = len(s3as[lb])
        counts["deprecated"] = len(deps[lb])
        counts["removed"] = len(rems[lb])
        meta[lb]["counts"] = dict(sorted(counts.items()))
    # S3A keys live next to Spark's own: one namespace of names.
    for lb in labels:
        for k, rec in s3as[lb].items():
            props[lb].setdefault(k, rec)
    catalog = {
        "format": FORMAT,
        "generated": datetime.date.today().isoformat(),
        "generator": "scripts/gen-spark-catalog.sh",
        "versions": meta,
        "properties": merge(props, FIELDS),
        "deprecated": merge(deps, FIELDS),
        "removed": merge(rems, FIELDS),
        "prefixes": merge(prefs, FIELDS),
    }
    raw = json.dumps(catalog, ensure_ascii=False, separators=(",", ":"), sort_keys=False).encode("utf-8")
    with open(out_path, "wb") as f:
        # mtime=0 and no file name: the same input gives the same bytes
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as g:
            g.write(raw)
    print(f"{out_path}: {len(raw)} bytes JSON, {os.path.getsize(out_path)} bytes gzip", file=sys.stderr)
    for lb in labels:
        print(f"{lb} ({meta[lb]['pyspark']}, Hadoop {meta[lb]['hadoop']}): {meta[lb]['counts']}", file=sys.stderr)


if __name__ == "__main__":
    main()
