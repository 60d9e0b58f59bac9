import json
rows = []
for fn in ['expected.json', 'good_expected.json', 'fuzz_expected.json']:
    for o in json.load(open(fn)):
        row = {"e": o["entity"], "k": o["kind"], "i": o["input"], "ok": o["ok"]}
        if o["ok"]:
            r = o["result"]
            # Offsets beyond 64 bits make MLflow's SQL layer crash (HTTP 500); we raise that up front.
            if o["kind"] == "page_token" and abs(r) >= 2**63:
                row.update(ok=False, c="INTERNAL_ERROR", m="Python int too large to convert to SQLite INTEGER")
            else:
                row["r"] = r
        else:
            row["c"] = o["code"]; row["m"] = o["error"] if o["code"] != "INTERNAL_ERROR" else o["error"][:80]
        rows.append(row)
with open('../Data/mlflow-oracle-cases.jsonl', 'w') as f:
    for row in rows: f.write(json.dumps(row, ensure_ascii=False) + "\n")
print(len(rows))
