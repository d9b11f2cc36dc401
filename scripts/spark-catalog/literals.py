#!/usr/bin/env python3
"""String literals that look like Spark property names, from the class files of Spark's jars.

Some properties are read by name and never registered as a ConfigEntry (spark.master,
spark.app.name, spark.local.dir, spark.ssl.*, ...). This lists every CONSTANT_String in the
spark-*.jar class files that is exactly a property name (`spark.a.b`) or a namespace prefix
(`spark.executorEnv.`), as JSON: {"keys": [...], "prefixes": [...]}.

    literals.py JARDIR > literals.json
"""
import glob
import json
import os
import re
import struct
import sys
import zipfile

NAME = re.compile(r"^spark(\.[A-Za-z][A-Za-z0-9_\-]*)+\.?$")


def string_constants(data):
    if data[:4] != b"\xca\xfe\xba\xbe":
        return
    count = struct.unpack(">H", data[8:10])[0]
    pos, i = 10, 1
    utf8, strings = {}, []
    while i < count:
        tag = data[pos]
        if tag == 1:
            n = struct.unpack(">H", data[pos + 1:pos + 3])[0]
            utf8[i] = data[pos + 3:pos + 3 + n]
            pos += 3 + n
        elif tag in (3, 4, 9, 10, 11, 12, 17, 18):
            pos += 5
        elif tag in (5, 6):
            pos += 9
            i += 1
        elif tag in (7, 16, 19, 20):
            pos += 3
        elif tag == 8:
            strings.append(struct.unpack(">H", data[pos + 1:pos + 3])[0])
            pos += 3
        elif tag == 15:
            pos += 4
        else:
            return  # unknown tag: give up on this class
        i += 1
    for s in strings:
        b = utf8.get(s)
        if b is not None:
            yield b.decode("utf-8", "replace")


def main():
    keys, prefixes = set(), set()
    for jar in sorted(glob.glob(os.path.join(sys.argv[1], "spark-*.jar"))):
        with zipfile.ZipFile(jar) as z:
            for n in z.namelist():
                if not n.endswith(".class"):
                    continue
                for s in string_constants(z.read(n)):
                    if NAME.match(s):
                        (prefixes if s.endswith(".") else keys).add(s)
    json.dump({"keys": sorted(keys), "prefixes": sorted(prefixes)}, sys.stdout, indent=0)


if __name__ == "__main__":
    main()
