#!/usr/bin/env python3
"""answers.jsonl (make_cases.py's spans, each with MLflow's answer added) -> ../../Data/otel-translation-cases.jsonl.gz.

Each line: {"a": attributes, "e": events, "r": the stored attribute dict as json.dumps writes it} or, where MLflow's
log_spans raises (the request then fails with 422), {"a", "e", "x": the Python exception type}; and "l": the attribute
dict MLflow reads back from a row holding the span stored without translation (sanitised attributes, then the
load-time span-type step)."""
import gzip
import json
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "answers.jsonl"
with open(src) as f, gzip.open("../../Data/otel-translation-cases.jsonl.gz", "wt", encoding="utf-8") as out:
    n = 0
    for line in f:
        row = json.loads(line)
        keep = {"a": row["a"], "e": row["e"], "l": row["l"]}
        if "x" in row:
            keep["x"] = row["x"]
        else:
            keep["r"] = row["r"]
        out.write(json.dumps(keep, ensure_ascii=False) + "\n")
        n += 1
print(n)
