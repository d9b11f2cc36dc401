// Dumps every configuration entry Spark registers, as JSON lines, using only reflection
// (so it compiles without Spark or Scala on the classpath). Run with every jar of one
// Spark distribution on the classpath:
//   java -cp 'classes:jars/*' DumpSparkConf out.jsonl
// Used by scripts/gen-spark-catalog.sh; see data/README.md.
import java.io.*;
import java.lang.reflect.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.regex.*;
import java.util.zip.*;

public class DumpSparkConf {
    static ClassLoader cl = DumpSparkConf.class.getClassLoader();

    // Loaded first and in this order, so that attribution (which object registered a key) is stable.
    static final String[] FIRST = {
        "org.apache.spark.internal.config.package$",
        "org.apache.spark.sql.internal.StaticSQLConf$",
        "org.apache.spark.sql.internal.SQLConf$",
        "org.apache.spark.deploy.k8s.Config$",
        "org.apache.spark.sql.connect.config.Connect$",
        "org.apache.spark.sql.hive.HiveUtils$",
    };

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(args[0]), false, "UTF-8");
        PrintStream log = System.err;

        Object ceObj = module("org.apache.spark.internal.config.ConfigEntry$");
        @SuppressWarnings("unchecked")
        Map<String, Object> known = (Map<String, Object>) call(ceObj, "knownConfigs");

        // Candidate objects: Scala objects under org/apache/spark whose bytecode builds config entries.
        List<String> cands = new ArrayList<>(Arrays.asList(FIRST));
        for (String cp : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File f = new File(cp);
            if (!f.getName().endsWith(".jar") || !f.getName().startsWith("spark-")) continue;
            try (ZipFile z = new ZipFile(f)) {
                for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements();) {
                    ZipEntry ze = e.nextElement();
                    String n = ze.getName();
                    if (!n.startsWith("org/apache/spark/") || !n.endsWith("$.class")) continue;
                    if (n.contains("$$") || n.contains("/test/")) continue;
                    byte[] b = z.getInputStream(ze).readAllBytes();
                    String s = new String(b, StandardCharsets.ISO_8859_1);
                    if (!(s.contains("org/apache/spark/internal/config/ConfigBuilder")
                          || s.contains("buildConf") || s.contains("buildStaticConf"))) continue;
                    String cn = n.substring(0, n.length() - 6).replace('/', '.');
                    if (cn.endsWith(".Tests$")) continue; // spark.testing.* keys: internal, skipped
                    if (!cands.contains(cn)) cands.add(cn);
                }
            }
        }
        Collections.sort(cands.subList(FIRST.length, cands.size()));

        Map<String, String> origin = new HashMap<>();
        for (String cn : cands) {
            Set<String> before = new HashSet<>(known.keySet());
            try {
                Class.forName(cn, true, cl);
            } catch (Throwable t) {
                log.println("skip " + cn + ": " + t);
                continue;
            }
            int n = 0;
            for (String k : known.keySet()) if (!before.contains(k)) { origin.put(k, cn); n++; }
            if (n > 0) log.println("loaded " + cn + ": " + n + " entries");
        }

        // SQL registries
        Object sqlConf = module("org.apache.spark.sql.internal.SQLConf$");
        Set<String> sqlKeys = new HashSet<>();
        Set<String> staticKeys = new HashSet<>();
        if (sqlConf != null) {
            Object m = field(sqlConf, "sqlConfEntries");
            if (m instanceof Map) for (Object o : ((Map<?, ?>) m).keySet()) sqlKeys.add(String.valueOf(o));
            Object s = field(sqlConf, "staticConfKeys");
            if (s instanceof Set) for (Object o : (Set<?>) s) staticKeys.add(String.valueOf(o));
        }

        List<String> keys = new ArrayList<>(known.keySet());
        Collections.sort(keys);
        for (String k : keys) {
            Object e = known.get(k);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("kind", "entry");
            r.put("key", k);
            r.put("origin", origin.getOrDefault(k, ""));
            r.put("sql", sqlKeys.contains(k));
            r.put("static", staticKeys.contains(k));
            r.put("since", safe(() -> call(e, "version")));
            r.put("default", safe(() -> call(e, "defaultValueString")));
            r.put("doc", safe(() -> call(e, "doc")));
            r.put("public", safe(() -> call(e, "isPublic")));
            r.put("entryClass", e.getClass().getSimpleName());
            List<String> alts = new ArrayList<>();
            Object a = safe(() -> call(e, "alternatives"));
            if (a != null) for (Object o : scalaIter(a)) alts.add(String.valueOf(o));
            r.put("alternatives", alts);
            if (e.getClass().getSimpleName().equals("FallbackConfigEntry")) {
                Object fb = safe(() -> call(e, "fallback"));
                if (fb != null) r.put("fallback", safe(() -> call(fb, "key")));
            }
            probeType(e, r);
            out.println(json(r));
        }

        // Deprecated / removed registries.
        if (sqlConf != null) {
            Object dep = field(sqlConf, "deprecatedSQLConfigs");
            for (Object[] kv : scalaMap(dep)) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kind", "sql-deprecated");
                r.put("key", kv[0]);
                r.put("version", safe(() -> call(kv[1], "version")));
                r.put("message", safe(() -> call(kv[1], "comment")));
                out.println(json(r));
            }
            Object rem = field(sqlConf, "removedSQLConfigs");
            for (Object[] kv : scalaMap(rem)) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kind", "sql-removed");
                r.put("key", kv[0]);
                r.put("version", safe(() -> call(kv[1], "version")));
                r.put("default", safe(() -> call(kv[1], "defaultValue")));
                r.put("message", safe(() -> call(kv[1], "comment")));
                out.println(json(r));
            }
        }
        Object sparkConf = module("org.apache.spark.SparkConf$");
        if (sparkConf != null) {
            for (Object[] kv : scalaMap(field(sparkConf, "deprecatedConfigs"))) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("kind", "core-deprecated");
                r.put("key", kv[0]);
                r.put("version", safe(() -> call(kv[1], "version")));
                r.put("message", safe(() -> call(kv[1], "deprecationMessage")));
                out.println(json(r));
            }
            for (Object[] kv : scalaMap(field(sparkConf, "configsWithAlternatives"))) {
                for (Object alt : scalaIter(kv[1])) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("kind", "core-alternate");
                    r.put("key", safe(() -> call(alt, "key")));
                    r.put("replacement", kv[0]);
                    r.put("version", safe(() -> call(alt, "version")));
                    Object tr = safe(() -> call(alt, "translation"));
                    r.put("translated", tr != null && !String.valueOf(tr).equals("None"));
                    out.println(json(r));
                }
            }
        }
        out.close();
        log.println("entries: " + keys.size() + " (sql " + sqlKeys.size() + ", static " + staticKeys.size() + ")");
        System.exit(0); // some objects start non-daemon threads
    }

    // ---- type probing: apply the entry's value converter to a few strings ----
    // 3.5: "... should be one of a, b, but was x"; 4.x: "... It should be one of 'a, b'. SQLSTATE: 22022"
    static final Pattern ONE_OF = Pattern.compile("should be one of '?(.*?)'?(?:\\.? SQLSTATE|, but was|\\.?$)", Pattern.DOTALL);
    static final String[] SAMPLES = {"1", "1000", "1048576", "0.5", "true", "false", "zz_probe_zz", "a,b"};
    // no bare "m": "64m" is 64 minutes to a duration
    static final String[] SIZES = {"1g", "2g", "1k", "64mb", "512mb", "1048576b"};
    static final String[] TIMES = {"10s", "100ms", "1h", "5min", "1000ms", "120s"};

    static void probeType(Object e, Map<String, Object> r) {
        Object conv = safe(() -> call(e, "valueConverter"));
        if (conv == null) return;
        List<String> samples = new ArrayList<>();
        Object def = r.get("default");
        if (def instanceof String && !((String) def).startsWith("<")) samples.add((String) def);
        samples.addAll(Arrays.asList(SAMPLES));
        Set<String> ok = new LinkedHashSet<>();
        StringBuilder errs = new StringBuilder();
        Object[] pX = null;
        for (String s : samples) {
            Object[] p = apply(conv, s);
            if (s.equals("zz_probe_zz")) pX = p;
            if (p[0] != null) ok.add(isSeq(p[0]) ? "list" : p[0].getClass().getName());
            else errs.append(p[1]).append(" | ");
        }
        String type = null;
        if (ok.contains("java.lang.Boolean")) type = "boolean";
        else if (ok.contains("java.lang.Integer")) type = "int";
        else if (ok.contains("java.lang.Double") || ok.contains("java.lang.Float")) type = "double";
        else if (ok.contains("java.lang.Long")) {
            if (anyOk(conv, SIZES)) type = "size";
            else if (anyOk(conv, TIMES)) type = "duration";
            else type = "long";
        } else if (ok.contains("list")) type = "list";
        else if (ok.contains("java.lang.String")) type = "string";
        else if (ok.contains("scala.util.matching.Regex")) type = "regex";
        else if (!ok.isEmpty()) type = "other:" + ok.iterator().next();
        else if (anyOk(conv, SIZES)) type = "size";
        else if (anyOk(conv, TIMES)) type = "duration";
        else {
            String m = errs.toString();
            if (m.contains("' in ") && m.contains("is invalid") || m.contains("INVALID_CONF_VALUE.REQUIREMENT")
                    || m.contains("OUT_OF_RANGE_OF_OPTIONS") || m.contains("should be one of")) {
                // the string converted, then a check rejected it
                type = "string";
            }
        }
        // enum values from checkValues' message
        if (pX != null && pX[0] == null && pX[1] != null) {
            Matcher m = ONE_OF.matcher(String.valueOf(pX[1]));
            if (m.find()) {
                List<String> vals = new ArrayList<>();
                for (String v : m.group(1).split(",")) {
                    v = v.trim();
                    if (!v.isEmpty() && !vals.contains(v)) vals.add(v);
                }
                if (!vals.isEmpty()) {
                    if (type == null || type.equals("string") || type.startsWith("other:")) type = "enum";
                    r.put("values", vals);
                    String v0 = vals.get(0);
                    Object[] pl = apply(conv, v0.toLowerCase(Locale.ROOT));
                    Object[] pu = apply(conv, v0.toUpperCase(Locale.ROOT));
                    r.put("valuesCaseInsensitive", pl[0] != null && pu[0] != null);
                }
            }
        }
        if (type == null) r.put("typeProbe", errs.length() > 300 ? errs.substring(0, 300) : errs.toString());
        else r.put("type", type);
    }

    static boolean anyOk(Object conv, String[] ss) {
        for (String s : ss) { Object[] p = apply(conv, s); if (p[0] instanceof Long) return true; }
        return false;
    }

    static boolean isSeq(Object o) {
        for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass())
            for (Class<?> i : allIfaces(c)) if (i.getName().equals("scala.collection.Seq") || i.getName().equals("scala.collection.immutable.Seq")) return true;
        return o instanceof List;
    }
    static Set<Class<?>> allIfaces(Class<?> c) {
        Set<Class<?>> s = new HashSet<>();
        Deque<Class<?>> q = new ArrayDeque<>(Arrays.asList(c.getInterfaces()));
        while (!q.isEmpty()) { Class<?> i = q.poll(); if (s.add(i)) q.addAll(Arrays.asList(i.getInterfaces())); }
        return s;
    }

    // returns {value (Option unwrapped, null if failed), errorMessage}
    static Object[] apply(Object fn, String s) {
        try {
            Method m = fn.getClass().getMethod("apply", Object.class);
            m.setAccessible(true);
            Object v = m.invoke(fn, s);
            if (v != null && v.getClass().getName().startsWith("scala.Some")) v = call(v, "get");
            if (v != null && v.getClass().getName().startsWith("scala.None")) v = null;
            return new Object[]{v, null};
        } catch (InvocationTargetException ex) {
            Throwable c = ex.getCause();
            return new Object[]{null, c.getClass().getSimpleName() + ": " + c.getMessage()};
        } catch (Throwable t) {
            return new Object[]{null, t.toString()};
        }
    }

    // ---- reflection helpers ----
    static Object module(String cn) {
        try { return Class.forName(cn, true, cl).getField("MODULE$").get(null); }
        catch (Throwable t) { System.err.println("no module " + cn + ": " + t); return null; }
    }
    static Object call(Object o, String name) throws Exception {
        Method m = findMethod(o.getClass(), name);
        m.setAccessible(true);
        return m.invoke(o);
    }
    static Method findMethod(Class<?> c, String name) throws NoSuchMethodException {
        for (Class<?> k = c; k != null; k = k.getSuperclass())
            for (Method m : k.getDeclaredMethods())
                if (m.getParameterCount() == 0 && (m.getName().equals(name) || m.getName().endsWith("$$" + name))) return m;
        return c.getMethod(name);
    }
    static Object field(Object o, String name) {
        try { return call(o, name); } catch (Throwable t) { /* fall through */ }
        for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass())
            for (Field f : k.getDeclaredFields())
                if (f.getName().equals(name) || f.getName().endsWith("$$" + name)) {
                    try { f.setAccessible(true); return f.get(o); } catch (Throwable t) { return null; }
                }
        System.err.println("no field " + name + " on " + o.getClass().getName());
        return null;
    }
    interface Th { Object get() throws Exception; }
    static Object safe(Th t) { try { return t.get(); } catch (Throwable e) { return null; } }

    static List<Object> scalaIter(Object coll) {
        List<Object> l = new ArrayList<>();
        if (coll == null) return l;
        if (coll instanceof Iterable) { for (Object o : (Iterable<?>) coll) l.add(o); return l; }
        try {
            Object it = call(coll, "iterator");
            Method hn = findMethod(it.getClass(), "hasNext"), nx = findMethod(it.getClass(), "next");
            hn.setAccessible(true); nx.setAccessible(true);
            while ((Boolean) hn.invoke(it)) l.add(nx.invoke(it));
        } catch (Throwable t) { System.err.println("cannot iterate " + coll.getClass() + ": " + t); }
        return l;
    }
    static List<Object[]> scalaMap(Object m) {
        List<Object[]> l = new ArrayList<>();
        if (m == null) return l;
        if (m instanceof Map) { for (Map.Entry<?, ?> e : ((Map<?, ?>) m).entrySet()) l.add(new Object[]{e.getKey(), e.getValue()}); return l; }
        for (Object t : scalaIter(m)) {
            try { l.add(new Object[]{call(t, "_1"), call(t, "_2")}); } catch (Throwable e) { /* skip */ }
        }
        return l;
    }

    // ---- minimal JSON ----
    static String json(Object o) {
        StringBuilder sb = new StringBuilder(); write(sb, o); return sb.toString();
    }
    static void write(StringBuilder sb, Object o) {
        if (o == null) sb.append("null");
        else if (o instanceof Boolean) sb.append(o);
        else if (o instanceof Map) {
            sb.append('{'); boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) o).entrySet()) {
                if (!first) sb.append(','); first = false;
                write(sb, String.valueOf(e.getKey())); sb.append(':'); write(sb, e.getValue());
            }
            sb.append('}');
        } else if (o instanceof List) {
            sb.append('['); boolean first = true;
            for (Object e : (List<?>) o) { if (!first) sb.append(','); first = false; write(sb, e); }
            sb.append(']');
        } else {
            String s = String.valueOf(o);
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c);
                }
            }
            sb.append('"');
        }
    }
}
