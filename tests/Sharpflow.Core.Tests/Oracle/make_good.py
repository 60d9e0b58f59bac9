import json, random
random.seed(99)
GOOD = {
 "runs": [("metrics.acc", "num"), ("metrics.`val loss`", "num"), ("metric.x", "num"), ("params.model", "str"), ("param.`a.b`", "str"),
          ("tags.team", "str"), ("tags.\"my tag\"", "str"), ("attributes.status", "str"), ("attr.run_name", "str"), ("run.start_time", "num"),
          ("attributes.run_id", "list"), ("run_id", "str"), ("created", "num"), ("`Run Name`", "str"), ("end_time", "num"), ("user_id", "str"),
          ("datasets.name", "strlist"), ("dataset.digest", "strlist"), ("datasets.context", "str")],
 "experiments": [("name", "str"), ("creation_time", "num"), ("last_update_time", "num"), ("tags.team", "str"), ("tag.`a.b`", "str"), ("attribute.name", "str")],
 "registered_models": [("name", "str"), ("tags.owner", "str"), ("tag.`mlflow.prompt.is_prompt`", "str"), ("attribute.name", "str")],
 "model_versions": [("name", "str"), ("version_number", "num"), ("run_id", "strlist"), ("source_path", "str"), ("tags.validated", "str")],
 "traces": [("trace.status", "strlist"), ("status", "str"), ("trace.timestamp_ms", "num"), ("execution_time", "num"), ("request_id", "strlist"),
            ("client_request_id", "str"), ("name", "str"), ("trace.run_id", "str"), ("tags.flow", "str"), ("metadata.`mlflow.user`", "str"),
            ("span.name", "str"), ("span.type", "strlist"), ("span.attributes.model", "str"), ("feedback.rel", "str"), ("expectation.e", "str"),
            ("issue.id", "str"), ("trace.end_time", "num"), ("prompt", "str")],
 "logged_models": [("name", "str"), ("metrics.acc", "num"), ("params.alpha", "str"), ("tags.t", "str"), ("creation_time", "num"), ("status", "str"), ("model_id", "strlist")],
}
NUMOPS = ["=", "!=", ">", ">=", "<", "<="]
STROPS = ["=", "!=", "LIKE", "ILIKE", "like", "RLIKE", "<>"]
LISTOPS = ["IN", "NOT IN", "in", "not in"]
NUMS = ["0", "1", "-1", "1.5", "-0.25", "1e3", "1700000000000", ".5", "2.", "1E-2"]
STRS = ["'a'", "'abc%'", "\"xyz\"", "'with space'", "'it''s'", "'é'", "''", "'a/b'", "'p/1'", "'OK'", "'%'", "'_x'"]
LISTS = ["('abc')", "('abc', 'def')", "('ABC', 'def1')", "(\"x\", 'y')", "('a',)", "('OK','ERROR')"]
cases = []
for ent, keys in GOOD.items():
    for _ in range(300):
        parts = []
        for _ in range(random.choice([1, 1, 2, 3])):
            k, kind = random.choice(keys)
            if kind == "num": parts.append(f"{k} {random.choice(NUMOPS)} {random.choice(NUMS)}")
            elif kind == "list": parts.append(f"{k} {random.choice(LISTOPS)} {random.choice(LISTS)}")
            elif kind == "strlist" and random.random() < 0.5: parts.append(f"{k} {random.choice(LISTOPS)} {random.choice(LISTS)}")
            else: parts.append(f"{k} {random.choice(STROPS)} {random.choice(STRS)}")
        cases.append({"entity": ent, "kind": "filter", "input": random.choice([" AND ", " and ", "  AND  "]).join(parts)})
json.dump(cases, open('good.json', 'w'), ensure_ascii=False)
print(len(cases))
