import json, os, random, base64, glob
random.seed(20251126)
cases = []
def add(entity, kind, inp): cases.append({"entity": entity, "kind": kind, "input": inp})

# 1. replay corpus strings
ENT = {"/runs/search": "runs", "/experiments/search": "experiments", "/registered-models/search": "registered_models",
       "/model-versions/search": "model_versions", "/traces/search": "traces", "/logged-models/search": "logged_models"}
seen = set()
for fn in glob.glob(os.path.join(os.environ.get('SHARPFLOW_SHARED_DIR', '../../../../shared'), 'fixtures/mlflow-3.11/replay/*.jsonl')):
    for line in open(fn):
        r = json.loads(line)
        ent = next((v for k, v in ENT.items() if r["path"].endswith(k)), None)
        if not ent: continue
        b = r.get("request_body") if isinstance(r.get("request_body"), dict) else {}
        q = r.get("query") or {}
        f = b.get("filter", (q.get("filter") or [None])[0])
        ob = b.get("order_by", q.get("order_by"))
        if isinstance(f, str) and (ent, f) not in seen:
            seen.add((ent, f)); add(ent, "filter", f.replace("{{run:1}}", "0123456789abcdef0123456789abcdef").replace("{{run:3}}", "aa").replace("{{run:8}}", "bb"))
        if ob and ent != "logged_models":
            for o in ob:
                if (ent, "ob", o) not in seen:
                    seen.add((ent, "ob", o)); add(ent, "order_by", o)

KEYS = {
 "runs": ["metrics.acc", "metrics.`val loss`", "metric.x", "params.model", "param.lr", "parameters.x", "params.\"a b\"", "params.'a'",
          "tags.team", "tag.`mlflow.user`", "tags.\"x.y\"", "attributes.status", "attr.run_name", "run.start_time", "attributes.run_id",
          "run_id", "run_name", "status", "start_time", "end_time", "created", "Created", "`Run name`", "\"run name\"", "'run name'",
          "user_id", "artifact_uri", "datasets.name", "dataset.digest", "datasets.context", "datasets.bogus", "foo.bar", "`metrics`.acc",
          "bogus", "key", "user", "timestamp", "text", "name", "tags.in", "`tags`.x", "Metrics.acc", "metrics..acc", "metrics.acc.x",
          "metrics . acc", "metrics.1a", "`run_name`", "attributes.`start_time`", "experiment_id", "lifecycle_stage", "attributes.created",
          "tags.`a``b`", "params.`x`y", "metrics.`m.x`", "datasets.`name`", "run.run_name", "attributes.Created"],
 "experiments": ["name", "creation_time", "last_update_time", "tags.team", "tag.x", "tags.`a.b`", "tags.\"q\"", "attribute.name",
          "attributes.name", "metrics.acc", "`tag`.x", "bogus", "experiment_id", "`name`", "\"name\"", "attribute.creation_time",
          "tags.key", "Name", "tags", "tag.`mlflow.note.content`", "lifecycle_stage", "attribute.`last_update_time`"],
 "registered_models": ["name", "tags.owner", "tag.`mlflow.prompt.is_prompt`", "tag.x", "attribute.name", "attributes.name", "`name`",
          "\"name\"", "bogus", "run_id", "tags.\"q\"", "tags.`a.b`", "creation_timestamp", "params.x", "Name"],
 "model_versions": ["name", "version_number", "run_id", "source_path", "tags.validated", "tag.x", "attribute.run_id", "`name`",
          "creation_timestamp", "last_updated_timestamp", "bogus", "attributes.name", "tags.`mlflow.prompt.is_prompt`", "current_stage"],
 "traces": ["trace.status", "status", "trace.timestamp_ms", "timestamp_ms", "timestamp", "trace.timestamp", "execution_time",
          "trace.execution_time_ms", "end_time", "trace.end_time_ms", "request_id", "client_request_id", "trace.name", "name",
          "trace.run_id", "run_id", "prompt", "text", "trace.text", "tags.flow", "tag.x", "tags.name", "tags.Timestamp",
          "metadata.`mlflow.user`", "request_metadata.x", "metadata.run_id", "span.name", "span.type", "span.status", "span.content",
          "span.attributes.foo", "span.attributes.", "span.bogus", "feedback.rel", "expectation.exp", "feedback.name", "issue.id",
          "issue.other", "attributes.status", "attribute.request_id", "foo.bar", "bogus", "experiment_id", "`trace`.status",
          "span.`attributes.x`", "feedback.`my score`", "metadata.`mlflow.sourceRun`"],
 "logged_models": ["name", "status", "model_id", "model_type", "source_run_id", "creation_time", "creation_timestamp",
          "last_updated_timestamp", "creation_timestamp_ms", "attributes.name", "attributes.creation_time", "metrics.acc",
          "metrics.`val loss`", "params.alpha", "tags.t", "tag.t", "param.x", "Tags.x", "bogus", "`name`", "experiment_id",
          "artifact_location", "a_b.c", "metrics.a.b", "params.`x`"],
}
OPS = ["=", "!=", "<>", ">", ">=", "<", "<=", "==", "LIKE", "like", "ILIKE", "ilike", "RLIKE", "NOT LIKE", "IN", "in", "NOT IN",
       "not in", "IS", "IS NOT", "~", ">>", "!", "REGEXP", "BETWEEN", "+", "-", "*", "=>", "Like"]
VALS = ["1", "-1", "1.5", "-1.5e3", "1e5", ".5", "1.", "0x1F", "'abc'", "\"abc\"", "abc", "`abc`", "'it''s'", "'a\\'b'", "''", "\"\"",
        "NULL", "null", "('a','b')", "('a')", "()", "(1,2)", "('a', 1)", "(a)", "('A', 'b')", "('x' 'y')", "(('a'))", "TRUE", "12abc",
        "1a", "'5'", "'a b'", "\"a'b\"", "(select 1)", "lower('x')", "1+2", "'x' || 'y'", "'1700000000000'", "1700000000000",
        "'%abc%'", "'name/1'", "'a/b/c'", "('deadbeef')", "('0123abcd', 'ffff')", "(\"a\", \"b\")", "('a',)", "'true'", "'false'",
        "inf", "nan", "-0", "'ERROR'", "'OK'", "1.0", "$$x$$", ":x", "?", "'é'", "N'x'", "DATE '2020-01-01'", "(1)", "('a'; 'b')",
        "('a' and 'b')", "[1]", "'a\"b'", "\"x\".y", "'unterminated", "\"unterminated"]
CONJ = [" AND ", " and ", " And ", " OR ", " or ", " && ", ", ", "; ", "  AND  ", "\nAND\n", " AND\t", " ", " AND NOT ", " ANDx "]
WS = ["", " ", "  ", "\t", "\n"]

def clause(ent):
    k = random.choice(KEYS[ent]); o = random.choice(OPS); v = random.choice(VALS)
    r = random.random()
    if r < 0.05: return f"{k} {o}"
    if r < 0.08: return f"{o} {v}"
    if r < 0.10: return f"({k} {o} {v})"
    if r < 0.12: return f"NOT {k} {o} {v}"
    if r < 0.14: return f"{k} {v}"
    if r < 0.16: return f"{k} IS NULL"
    if r < 0.17: return f"{k} IS NOT NULL"
    a, b = random.choice(WS), random.choice(WS)
    if random.random() < 0.3 and o not in ("=",): a, b = " ", " "
    if o[0].isalpha(): a = a or " "; b = b or " "
    return f"{k}{a}{o}{b}{v}"

def good_clause(ent):
    # mostly-valid clauses to exercise success paths
    k = random.choice(KEYS[ent]); v = random.choice(VALS[:20] + ["'abc'", "'x'", "1", "2.5"])
    o = random.choice(["=", "!=", ">", "<=", "LIKE", "ILIKE", "IN", "NOT IN", "RLIKE"])
    return f"{k} {o} {v}"

for ent in KEYS:
    for _ in range(700):
        n = random.choice([1, 1, 1, 2, 2, 3])
        f = random.choice([clause, good_clause])(ent)
        for _ in range(n - 1):
            f += random.choice(CONJ) + random.choice([clause, good_clause])(ent)
        if random.random() < 0.05: f = " " + f
        if random.random() < 0.05: f = f + random.choice([" ", ";", "; ", ";\n", "\n", " -- c", " /* c */"])
        add(ent, "filter", f)

FIXED = ["", " ", "   ", "\n", ";", "name = 'x';", "name = 'x'; name = 'y'", "name='x'", "name= 'x'", "name =  'x'",
         "a = 1 b", "a b = 1", "(a = 1)", "a = b = c", "a = 1 AND", "AND a = 1", "a = 1 AND AND b = 2", "-- comment",
         "name = 'x' -- trailing", "name = 'x' /* c */ AND tags.a = 'b'", "# c\nname = 'x'", "name = 'x'\n",
         "tags.\"a\" = 'b'", "`tags`.`a` = 'b'", "tags.a = 'b' AND tags.a = 'c'", "x.y.z = 1", "metrics.acc = 1 = 2",
         "metrics.acc > 1 AND metrics.acc < 2", "name LIKE 'a%' AND name NOT LIKE 'b%'", "params.lr IN ('a')",
         "CASE WHEN 1 END", "name = 'x' WHERE y = 1", "f(x) = 1", "metrics.a + 1 > 2", "a := 1", "a::int = 1",
         "name = 'x' order by y", "a.* = 1", "tags.a[0] = 'x'", "[name] = 'x'", "\"name\" = 'x'", "'name' = 'x'",
         "name = \"x\"", "name = `x`", "name = 'x''y'", "name = 'x\\'y'", "name = 'a\\\\'", "12abc = 1", "metrics.a >= -0.5e-3",
         "metrics.a > 1e", "metrics.a > 1.2.3", "metrics.a > --1", "metrics.a > - 1", "metrics.a>1", "metrics.a>=1AND metrics.b<2",
         "tags.a='x'AND tags.b='y'", "run_name = 'with space'", "tags.`my tag` = 'x y'", "é = 'x'", "tags.é = 'x'",
         "tags.a = 'é'", "name = 'x' AND\tname = 'y'", "name = 'x'\r\nAND name = 'y'", "name = 'x' and not name = 'y'",
         "attributes.run_id IN ()", "attributes.run_id IN ('a', 'b',)", "attributes.run_id NOT IN ('a')", "attributes.run_id IN (1)",
         "attributes.run_id IN ('a' 'b')", "attributes.run_id IN ('''a''')", "attributes.run_id IN (r'a')", "attributes.run_id IN (b'a')",
         "attributes.run_id IN (f'a')", "attributes.run_id IN (None)", "attributes.run_id IN ([])", "attributes.run_id IN (('a','b'))",
         "attributes.run_id IN ('a', ('b',))", "attributes.run_id IN (1.5, 2)", "attributes.run_id IN (-1)", "attributes.run_id IN (1+2j)",
         "attributes.run_id IN ('\\x41')", "attributes.run_id IN ('a' + 'b')", "attributes.run_id IN (x.y)", "attributes.run_id IN ('a',, 'b')",
         "attributes.run_id IN ('abc', 'ABC', 'aBc', '123', 'a1')", "datasets.name IN ('Train', 'eval')", "datasets.digest IN ('e5f6a7b8')"]
for ent in KEYS:
    for f in FIXED: add(ent, "filter", f)
    for k in KEYS[ent]:
        add(ent, "filter", f"{k} = 'x'"); add(ent, "filter", f"{k} = 1"); add(ent, "filter", f"{k} LIKE 'x%'"); add(ent, "filter", f"{k} IN ('a')")

OB_KEYS = {
 "runs": ["metrics.acc", "params.model", "tags.team", "attributes.start_time", "start_time", "run_name", "metrics.`val loss`",
          "attributes.created", "created", "Created", "run name", "`run name`", "datasets.name", "foo.bar", "bogus", "status",
          "end_time", "attribute.run_id", "metrics.\"a b\"", "tags.'x'", "artifact_uri", "user_id", "timestamp", "key"],
 "experiments": ["name", "experiment_id", "creation_time", "last_update_time", "tags.x", "tag.y", "attribute.name", "bogus",
          "attributes.name", "`name`", "timestamp", "metrics.a"],
 "registered_models": ["name", "timestamp", "last_updated_timestamp", "creation_timestamp", "bogus", "tags.x", "`name`", "Timestamp",
          "attribute.name", "\"name\""],
 "model_versions": ["name", "version_number", "creation_timestamp", "last_updated_timestamp", "tags.name", "tag.x", "bogus",
          "attribute.name", "run_id", "`version_number`", "attributes.name"],
 "traces": ["timestamp_ms", "timestamp", "execution_time_ms", "execution_time", "end_time", "end_time_ms", "status", "request_id",
          "name", "run_id", "experiment_id", "trace.timestamp_ms", "tags.x", "metadata.y", "span.name", "feedback.x", "tags.text",
          "nonsense", "text", "client_request_id", "tags.name", "issue.id"],
}
DIRS = ["", " ASC", " DESC", " asc", " desc", " Desc", " UP", " SIDEWAYS", " ASC DESC", "  ASC", "\tDESC", " ASC ", " DESC;",
        ", name", " ASC, name DESC", " 1", ";", " NULLS FIRST"]
for ent in OB_KEYS:
    for k in OB_KEYS[ent]:
        for d in DIRS:
            add(ent, "order_by", k + d)
    for extra in ["", " ", " name", "name ", "ASC", "DESC", "name ASC DESC", "`a b` ASC", "\"a b\" DESC", "'a b'", "tags.`a\"b`",
                  "tags.`a\"b` ASC", "a\\", "name\\ ASC", "name;", "name; name", "(name)", "name + 1", "1", "1 DESC", "name AS x",
                  "name x y", "timestamp DESC", "timestamp", "timestamp  asc", "TIMESTAMP", "tags.x DESC", "metrics.acc DESC "]:
        add(ent, "order_by", extra)

def b64(s): return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()
TOKENS = ["", "notatoken", b64('{"offset": 5}'), b64('{"offset": 0}'), b64('{"offset": "7"}'), b64('{"offset": " 8 "}'),
          b64('{"offset": "x"}'), b64('{"offset": 2.7}'), b64('{"offset": NaN}'), b64('{"offset": Infinity}'), b64('{"offset": true}'),
          b64('{"offset": [1]}'), b64('{"offset": null}'), b64('{"a": 1}'), b64('{}'), b64('[1]'), b64('5'), b64('"x"'), b64('not json'),
          b64('{"offset": 5, "offset": 6}'), b64('{"offset": -3}'), b64('{"offset": "1_000"}'), b64('{"offset": ""}'),
          b64('{"offset": 1e2}'), b64('{"offset": 99999999999999999999999}'), b64(b'\xff\xfe{\x00'), b64(b'\x9e\xda'), "YQ", "YQ=", "YQ==",
          "YWJj", "Y", "Y===", "!!!!", "eyJvZmZzZXQiOiA1fQ", "eyJvZmZzZXQiOiA1fQ==", "eyJv ZmZz ZXQi OiA1 fQ==", "é", "====",
          b64('{"offset": 5}') + "garbage", b64('{"offset": "٣"}'), b64('{"offset": {"a": 1}}'), b64('{"offset": "a\'b", "x": [1, {"y": null}]}'),
          b64('  {"offset": 4}  '), b64('{"offset": 4} x'), b64('\ufeff{"offset": 4}'), b64('{"offset": 1.5e300}')]
for t in TOKENS: add("runs", "page_token", t)

# queries: error-ordering
Q = {
 "runs": (["metrics.a LIKE 1", "metrics.a > 1", "bad filter x"], [["bogus.x"], ["metrics.a", "metrics.a"], ["metrics.a DESC"], None, ["start_time ASC"], ["created DESC", "start_time"]], [None, "notatoken", b64('{"offset": 3}')]),
 "experiments": (["name > 'x'", "name = 'x'", "tags.a IN ('x')"], [["bogus"], ["tags.x"], None, ["experiment_id ASC"], ["name DESC", "name ASC"]], [None, "notatoken", b64('{"offset": 2}')]),
 "registered_models": (["name > 'x'", "name = 'x'", "x y"], [["bogus"], ["timestamp", "last_updated_timestamp"], None, ["name DESC"]], [None, "notatoken", b64('{"offset": 2}')]),
 "model_versions": (["version_number LIKE 1", "name = 'x'", "x y"], [["bogus"], ["name", "name DESC"], None, ["version_number ASC"], ["tags.name"]], [None, "notatoken", b64('{"offset": 2}')]),
 "traces": (["status > 'x'", "status = 'OK'", "x y", "prompt = 'a/b'", "prompt LIKE 'a'", "prompt = 'ab'"], [["nonsense"], ["timestamp", "timestamp_ms"], None, ["span.name"], ["request_id ASC"], ["name DESC"]], [None, "notatoken", b64('{"offset": 2}')]),
}
for ent, (fs, obs, pts) in Q.items():
    for f in fs:
        for ob in obs:
            for pt in pts:
                add(ent, "query", [f, ob, pt])

json.dump(cases, open('cases.json', 'w'), ensure_ascii=False)
print(len(cases))
