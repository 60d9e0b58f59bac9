#!/usr/bin/env python3
"""OTLP ingestion load: POST /v1/traces with batches of spans from concurrent senders; reports spans/s.

Payloads are ExportTraceServiceRequest protobufs built here (no dependencies) and encoded before the clock
starts, so the number measures the server. Each batch holds --batch spans: --batch / --spans-per-trace traces
whose spans look like the MLflow client's (mlflow.traceRequestId, spanType, inputs as a kvlist, outputs, a
token-usage kvlist on the LLM spans).

    python3 bench/otlp_bench.py --url http://127.0.0.1:5000 [--batches 400] [--batch 100] [--senders 4]
"""
import argparse
import http.client
import json
import os
import struct
import threading
import time
import urllib.parse


def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field_len(num, payload):
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def field_varint(num, n):
    return varint(num << 3) + varint(n)


def field_fixed64(num, n):
    return varint(num << 3 | 1) + struct.pack("<Q", n)


def any_value(v):
    if isinstance(v, bool):
        return field_varint(2, int(v))
    if isinstance(v, int):
        return field_varint(3, v)
    if isinstance(v, float):
        return varint(4 << 3 | 1) + struct.pack("<d", v)
    if isinstance(v, str):
        return field_len(1, v.encode())
    if isinstance(v, dict):
        return field_len(6, b"".join(field_len(1, key_value(k, x)) for k, x in v.items()))
    if isinstance(v, list):
        return field_len(5, b"".join(field_len(1, any_value(x)) for x in v))
    raise TypeError(v)


def key_value(k, v):
    return field_len(1, k.encode()) + field_len(2, any_value(v))


def span(trace_id, span_id, parent_id, name, start, end, attrs, status=1):
    body = field_len(1, trace_id) + field_len(2, span_id)
    if parent_id:
        body += field_len(4, parent_id)
    body += field_len(5, name.encode()) + field_fixed64(7, start) + field_fixed64(8, end)
    body += b"".join(field_len(9, key_value(k, v)) for k, v in attrs.items())
    body += field_len(15, field_varint(3, status))
    return body


def batch(n_spans, per_trace, seq):
    spans = []
    now = time.time_ns()
    for t in range(n_spans // per_trace):
        trace_id = os.urandom(16)
        ids = [os.urandom(8) for _ in range(per_trace)]
        tr = "tr-" + trace_id.hex()
        for i in range(per_trace):
            attrs = {
                "mlflow.traceRequestId": tr,
                "mlflow.spanType": "LLM" if i % 3 == 2 else "CHAIN",
                "mlflow.spanInputs": {"question": f"question {seq}-{t}-{i}", "k": i},
                "mlflow.spanOutputs": f"answer {i}",
            }
            if i % 3 == 2:
                attrs["mlflow.chat.tokenUsage"] = {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}
            start = now + i * 1000
            spans.append(span(trace_id, ids[i], ids[(i - 1) // 2] if i else None, f"span-{i}", start, start + 500_000, attrs))
    scope = field_len(1, field_len(1, b"bench")) + b"".join(field_len(2, s) for s in spans)
    resource = field_len(1, field_len(1, key_value("service.name", "otlp-bench")))
    return field_len(1, resource + field_len(2, scope))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:5000")
    ap.add_argument("--batches", type=int, default=400)
    ap.add_argument("--batch", type=int, default=100, help="spans per request")
    ap.add_argument("--spans-per-trace", type=int, default=10)
    ap.add_argument("--senders", type=int, default=4)
    ap.add_argument("--experiment-id", default=None, help="default: a new experiment")
    args = ap.parse_args()
    u = urllib.parse.urlparse(args.url)

    def conn():
        return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)

    exp = args.experiment_id
    if exp is None:
        c = conn()
        c.request("POST", "/api/2.0/mlflow/experiments/create", json.dumps({"name": f"otlp-bench-{os.urandom(4).hex()}"}),
                  {"Content-Type": "application/json"})
        exp = json.loads(c.getresponse().read())["experiment_id"]
    payloads = [batch(args.batch, args.spans_per_trace, i) for i in range(args.batches)]
    headers = {"Content-Type": "application/x-protobuf", "x-mlflow-experiment-id": exp}
    # warm-up (JIT, connection pools) outside the measurement
    c = conn()
    for p in [batch(args.batch, args.spans_per_trace, -1) for _ in range(5)]:
        c.request("POST", "/v1/traces", p, headers)
        assert c.getresponse().read() is not None

    next_i = [0]
    lock = threading.Lock()
    latencies, errors = [], []

    def sender():
        c = conn()
        while True:
            with lock:
                i = next_i[0]
                next_i[0] += 1
            if i >= len(payloads):
                return
            t0 = time.perf_counter()
            c.request("POST", "/v1/traces", payloads[i], headers)
            r = c.getresponse()
            body = r.read()
            latencies.append(time.perf_counter() - t0)
            if r.status != 200:
                errors.append((r.status, body[:200]))

    threads = [threading.Thread(target=sender) for _ in range(args.senders)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    spans = args.batches * args.batch
    latencies.sort()
    print(json.dumps({
        "spans": spans, "requests": args.batches, "senders": args.senders, "batch": args.batch,
        "seconds": round(wall, 3), "spans_per_s": round(spans / wall),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1), "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "errors": len(errors), "first_error": str(errors[0]) if errors else None,
    }))


if __name__ == "__main__":
    main()
