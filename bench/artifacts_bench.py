#!/usr/bin/env python3
"""Artifact proxy benchmark: server memory and throughput for one large file, up and down.

  bench/artifacts_bench.py --bin PATH --work DIR [--size-mib 2048] [--s3-endpoint URL] [--stores local,s3]

For each store it starts `sharpflow server --artifacts-destination <store>` on a fresh SQLite file, then
  1. uploads DIR/data.bin with `curl -T` (PUT, Content-Length) to /api/2.0/mlflow-artifacts/artifacts/bench/data.bin,
  2. downloads it with `curl -o /dev/null`,
sampling the server's VmRSS from /proc/PID/status every 50 ms, and times both transfers. Then it measures the
store's own client on the same file: `cp` and `cat` for the local store, boto3's upload_file/download_fileobj
(what an MLflow client with --no-serve-artifacts uses) for S3. Prints a Markdown table; standard library only
(boto3 for the S3 baseline, which moto installs).
"""

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

MIB = 1024 * 1024


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler:
    """Samples a process's RSS in a thread; peak() since the last reset."""

    def __init__(self, pid):
        self.pid, self._peak, self._stop = pid, 0.0, False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self):
        while not self._stop:
            self._peak = max(self._peak, rss_mib(self.pid))
            time.sleep(0.05)

    def reset(self):
        self._peak = rss_mib(self.pid)

    def peak(self):
        return self._peak

    def stop(self):
        self._stop = True
        self._t.join()


def wait_health(port, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def s3_client(endpoint):
    import boto3
    from botocore.config import Config
    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                        region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))


def proxy_run(args, store, destination, env):
    port = free_port()
    db = os.path.join(args.work, f"bench-{store}-{uuid.uuid4().hex[:6]}.db")
    log = open(os.path.join(args.work, f"server-{store}.log"), "w")
    proc = subprocess.Popen([args.bin, "server", "--backend-store-uri", f"sqlite:///{db}", "--artifacts-destination", destination,
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_health(port, proc)
        time.sleep(2)
        idle = rss_mib(proc.pid)
        sampler = Sampler(proc.pid)
        url = f"http://127.0.0.1:{port}/api/2.0/mlflow-artifacts/artifacts/bench/data.bin"
        sampler.reset()
        up = timed(["curl", "-sSf", "-o", "/dev/null", "-T", args.data, url])
        up_peak = sampler.peak()
        sampler.reset()
        down = timed(["curl", "-sSf", "-o", "/dev/null", url])
        down_peak = sampler.peak()
        sampler.stop()
        after = rss_mib(proc.pid)
        return {"idle": idle, "up_peak": up_peak, "down_peak": down_peak, "after": after, "up_s": up, "down_s": down}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def direct_local(args):
    target = os.path.join(args.work, "direct-copy.bin")
    up = timed(["cp", args.data, target])
    down = timed(["sh", "-c", f"cat '{target}' > /dev/null"])
    os.remove(target)
    return up, down


def direct_s3(args, bucket):
    s3 = s3_client(args.s3_endpoint)
    start = time.perf_counter()
    s3.upload_file(args.data, bucket, "direct/data.bin")
    up = time.perf_counter() - start

    class Null:
        def write(self, b):
            return len(b)

    start = time.perf_counter()
    s3.download_fileobj(bucket, "direct/data.bin", Null())
    down = time.perf_counter() - start
    return up, down


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--size-mib", type=int, default=2048)
    p.add_argument("--s3-endpoint")
    p.add_argument("--stores", default="local,s3")
    args = p.parse_args()
    args.data = os.path.join(args.work, "data.bin")
    size = args.size_mib * MIB
    if not os.path.exists(args.data) or os.path.getsize(args.data) != size:
        with open("/dev/urandom", "rb") as src, open(args.data, "wb") as dst:
            for _ in range(args.size_mib):
                dst.write(src.read(MIB))

    rows = []
    for store in args.stores.split(","):
        env = dict(os.environ)
        if store == "local":
            dest = os.path.join(args.work, "mlartifacts")
            shutil.rmtree(dest, ignore_errors=True)
            proxied = proxy_run(args, store, dest, env)
            up, down = direct_local(args)
            client = "cp / cat"
            shutil.rmtree(dest, ignore_errors=True)
        else:
            if not args.s3_endpoint:
                print("skipping s3: no --s3-endpoint", file=sys.stderr)
                continue
            bucket = "bench-" + uuid.uuid4().hex[:8]
            s3_client(args.s3_endpoint).create_bucket(Bucket=bucket)
            env.update(MLFLOW_S3_ENDPOINT_URL=args.s3_endpoint, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test")
            proxied = proxy_run(args, store, f"s3://{bucket}/artifacts", env)
            up, down = direct_s3(args, bucket)
            client = "boto3 (moto)"
        rows.append((store, client, proxied, up, down))

    mb = size / 1e6
    print(f"File: {args.size_mib} MiB of random bytes. RSS of the sharpflow process (VmRSS, sampled every 50 ms).\n")
    print("| store | RSS idle | RSS peak upload | RSS peak download | RSS after | proxy up | proxy down | store client | client up | client down | proxy/client up | proxy/client down |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for store, client, r, up, down in rows:
        print(f"| {store} | {r['idle']:.0f} MiB | {r['up_peak']:.0f} MiB | {r['down_peak']:.0f} MiB | {r['after']:.0f} MiB "
              f"| {mb / r['up_s']:.0f} MB/s | {mb / r['down_s']:.0f} MB/s | {client} | {mb / up:.0f} MB/s | {mb / down:.0f} MB/s "
              f"| {up / r['up_s'] * 100:.0f}% | {down / r['down_s'] * 100:.0f}% |")


if __name__ == "__main__":
    main()
