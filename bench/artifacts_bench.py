#!/usr/bin/env python3
"""Artifact proxy benchmark: throughput, CPU and memory for one large file, through the proxy and with the store's
own client, for each store.

  bench/artifacts_bench.py --bin PATH --work DIR [--size-mib 512] [--rounds 3] [--stores local,local-http,s3,gcs,azure]
                           [--emulators fresh|env] [--json FILE]

The cloud stores are the emulators of scripts/emulators.sh: by default (`fresh`) the benchmark starts its own and stops
them at the end, because an emulator that has served a test suite is slower and slows the two paths unevenly (moto
after the artifact tests: 57 % instead of 86 % for the same binary). With `env` it uses the ones named by the
variables `scripts/emulators.sh start` prints (SHARPFLOW_TEST_S3_ENDPOINT, STORAGE_EMULATOR_HOST,
SHARPFLOW_TEST_AZURE_CONNECTION_STRING). A store whose emulator is missing is skipped.

For each store, `sharpflow server --artifacts-destination <store>` runs on a fresh SQLite file. The proxied path is
`curl -T DIR/data.bin` (PUT with Content-Length) to /api/2.0/mlflow-artifacts/artifacts/bench/data.bin and
`curl -o /dev/null` back. The store's own client moves the same file: `cp` / `cat` for a local folder (and, as
`local-http`, bench/http-floor: a minimal ASP.NET Core app that only takes the body to a file and sends it back, the
floor for anything with an HTTP hop), boto3
upload_file / download_fileobj for S3 (what MLflow's client uses with --no-serve-artifacts), and the vendors' Node
SDKs for GCS and Azure (bench/store-clients; MLflow's Python client uses the same vendors' Python SDKs, which this
machine cannot install).

Method: one untimed warm-up of each path first (--warmup-mib sets its size). A fresh emulator pays for growing its memory on the first large
object (moto needed 4.6 s of CPU for its first 512 MiB, 3.2-3.6 s afterwards), so whichever path went first used to
lose. Then --rounds rounds, each: proxy up, client up, proxy down, client down, with both objects deleted after the
round; the table gives medians. During proxied transfers the server's VmRSS is sampled every 50 ms (peak) and its CPU
time (utime + stime) is read before and after.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

MIB = 1024 * 1024
HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "store-clients")


def rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_s(pid):
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(cmd, env=None):
    subprocess.run(cmd, check=True, env=env)


# ---- the stores' own clients ----

class LocalClient:
    name = "cp / cat"

    def __init__(self, work):
        self.target = os.path.join(work, "direct-copy.bin")

    def destination(self, work):
        dest = os.path.join(work, "mlartifacts")
        shutil.rmtree(dest, ignore_errors=True)
        return dest, {}

    def up(self, path):
        run(["cp", path, self.target])

    def down(self):
        run(["sh", "-c", f"cat '{self.target}' > /dev/null"])

    def delete(self):
        if os.path.exists(self.target):
            os.remove(self.target)


class OverHttp:
    """Moves the file with curl to and from self.url (PUT with Content-Length, GET), as a client of the proxy would."""

    def up(self, path):
        run(["curl", "-sSf", "-o", "/dev/null", "-T", path, self.url])

    def down(self):
        run(["curl", "-sSf", "-o", "/dev/null", self.url])

    def delete(self):
        urllib.request.urlopen(urllib.request.Request(self.url, method="DELETE")).close()


class HttpFloorClient(OverHttp, LocalClient):
    """The local store's second baseline: bench/http-floor, the least an HTTP server does to take a file and give it
    back (body to file in whole 1 MiB writes; Results.File), driven by the same curl commands as the proxy."""
    name = "HTTP floor (bench/http-floor)"

    def __init__(self, work):
        super().__init__(work)
        project = os.path.join(HERE, "http-floor")
        run(["dotnet", "build", project, "-c", "Release", "-nologo", "-v", "q", "-clp:ErrorsOnly"])
        self.port = free_port()
        self.proc = subprocess.Popen(["dotnet", os.path.join(project, "bin", "Release", "net10.0", "HttpFloor.dll"),
                                      str(self.port), os.path.join(work, "http-floor")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}/data.bin"
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(urllib.request.Request(self.url, method="DELETE"), timeout=1).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("bench/http-floor did not start")
                time.sleep(0.1)


    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


class S3Client:
    name = "boto3"

    def __init__(self, endpoint):
        import boto3
        from botocore.config import Config
        self.endpoint = endpoint
        self.s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                               region_name="us-east-1", config=Config(s3={"addressing_style": "path"}))
        self.bucket = "bench-" + uuid.uuid4().hex[:8]
        self.s3.create_bucket(Bucket=self.bucket)

    def destination(self, work):
        return f"s3://{self.bucket}/artifacts", {"MLFLOW_S3_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "test",
                                                 "AWS_SECRET_ACCESS_KEY": "test"}

    def up(self, path):
        self.s3.upload_file(path, self.bucket, "direct/data.bin")

    def down(self):
        class Null:
            def write(self, b):
                return len(b)
        self.s3.download_fileobj(self.bucket, "direct/data.bin", Null())

    def delete(self):
        self.s3.delete_object(Bucket=self.bucket, Key="direct/data.bin")


class NodeClient:
    """GCS or Azure through bench/store-clients/store_client.mjs (one node process per operation, as a CLI would)."""

    def __init__(self, store, env):
        self.store, self.env, self.name = store, env, {"gcs": "@google-cloud/storage", "azure": "@azure/storage-blob"}[store]
        self.bucket = "bench-" + uuid.uuid4().hex[:8]
        self._node("mkbucket", "-", "-")

    def _node(self, op, path, key):
        # --no-warnings: the GCS SDK warns about its own listeners on chunked uploads.
        run(["node", "--no-warnings", os.path.join(CLIENTS, "store_client.mjs"), self.store, op, path, self.bucket, key], env=self.env)

    def destination(self, work):
        if self.store == "gcs":
            return f"gs://{self.bucket}/artifacts", {}
        account = dict(p.split("=", 1) for p in self.env["AZURE_STORAGE_CONNECTION_STRING"].split(";") if "=" in p)["AccountName"]
        return (f"wasbs://{self.bucket}@{account}.blob.core.windows.net/artifacts",
                {"AZURE_STORAGE_CONNECTION_STRING": self.env["AZURE_STORAGE_CONNECTION_STRING"]})

    def up(self, path):
        self._node("up", path, "direct/data.bin")

    def down(self):
        self._node("down", "-", "direct/data.bin")

    def delete(self):
        self._node("delete", "-", "direct/data.bin")


def client_for(store, work):
    if store == "local":
        return LocalClient(work)
    if store == "local-http":
        return HttpFloorClient(work)
    if store == "s3":
        endpoint = os.environ.get("SHARPFLOW_TEST_S3_ENDPOINT")
        return S3Client(endpoint) if endpoint else None
    if store in ("gcs", "azure"):
        variable = {"gcs": "STORAGE_EMULATOR_HOST", "azure": "SHARPFLOW_TEST_AZURE_CONNECTION_STRING"}[store]
        if not os.environ.get(variable):
            return None
        if not os.path.isdir(os.path.join(CLIENTS, "node_modules")):
            run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", CLIENTS])
        env = dict(os.environ)
        if store == "azure":
            env["AZURE_STORAGE_CONNECTION_STRING"] = os.environ[variable]
        return NodeClient(store, env)
    raise SystemExit(f"unknown store {store}")


# ---- the proxy ----

class Server(OverHttp):
    def __init__(self, args, store, destination, extra_env):
        self.port = free_port()
        db = os.path.join(args.work, f"bench-{store}-{uuid.uuid4().hex[:6]}.db")
        self.log = open(os.path.join(args.work, f"server-{store}.log"), "w")
        self.proc = subprocess.Popen([args.bin, "server", "--backend-store-uri", f"sqlite:///{db}", "--artifacts-destination",
                                      destination, "--port", str(self.port)], env=dict(os.environ, **extra_env),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}/api/2.0/mlflow-artifacts/artifacts/bench/data.bin"
        deadline = time.time() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("server did not start")
                time.sleep(0.1)
        time.sleep(2)
        self.idle = rss_mib(self.proc.pid)
        self.sampler = Sampler(self.proc.pid)

    def measured(self, fn):
        """(seconds, server CPU seconds, peak RSS MiB) of fn."""
        self.sampler.reset()
        c0 = cpu_s(self.proc.pid)
        t = timed(fn)
        return t, cpu_s(self.proc.pid) - c0, self.sampler.peak()


    def close(self):
        self.sampler.stop()
        after = rss_mib(self.proc.pid)
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()
        return after


def bench_store(args, store):
    client = client_for(store, args.work)
    if client is None:
        print(f"skipping {store}: its emulator's variable is not set (scripts/emulators.sh start DIR)", file=sys.stderr)
        return None
    destination, extra_env = client.destination(args.work)
    server = Server(args, store, destination, extra_env)
    rounds = []
    try:
        # Warm-up: both paths once, untimed.
        server.up(args.warmup); server.down(); server.delete()
        client.up(args.warmup); client.down(); client.delete()
        for i in range(args.rounds):
            pu = server.measured(lambda: server.up(args.data))
            cu = timed(lambda: client.up(args.data))
            pd = server.measured(server.down)
            cd = timed(client.down)
            server.delete()
            client.delete()
            rounds.append({"proxy_up_s": pu[0], "proxy_up_cpu_s": pu[1], "proxy_up_peak_mib": pu[2], "client_up_s": cu,
                           "proxy_down_s": pd[0], "proxy_down_cpu_s": pd[1], "proxy_down_peak_mib": pd[2], "client_down_s": cd})
            print(f"{store} round {i + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in rounds[-1].items()), file=sys.stderr)
    except subprocess.CalledProcessError as e:
        # An emulator's own limit (the GCS emulator cannot hold an object of 2 GiB or more) ends this store, not the run.
        print(f"{store}: {e}", file=sys.stderr)
        return {"store": store, "client": client.name, "error": str(e), "rounds": rounds}
    finally:
        after = server.close()
        if hasattr(client, "close"):
            client.close()
    return {"store": store, "client": client.name, "idle_mib": server.idle, "after_mib": after, "rounds": rounds}


def write_random(path, mib):
    if not os.path.exists(path) or os.path.getsize(path) != mib * MIB:
        with open("/dev/urandom", "rb") as src, open(path, "wb") as dst:
            for _ in range(mib):
                dst.write(src.read(MIB))


def start_emulators(state):
    """Starts scripts/emulators.sh's emulators into this process's environment."""
    out = subprocess.run(["bash", os.path.join(HERE, "..", "scripts", "emulators.sh"), "start", state], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    for line in out.splitlines():
        if line.startswith("export ") and "=" in line:
            name, value = line[len("export "):].split("=", 1)
            os.environ[name] = value[1:-1] if value[:1] == value[-1:] == "'" else value


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--size-mib", type=int, default=512)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--stores", default="local,local-http,s3,gcs,azure")
    p.add_argument("--warmup-mib", type=int, help="size of the untimed warm-up file (default: --size-mib)")
    p.add_argument("--emulators", choices=["fresh", "env"], default="fresh")
    p.add_argument("--json", help="also write every round's numbers to this file")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    args.data = os.path.join(args.work, "data.bin")
    size = args.size_mib * MIB
    write_random(args.data, args.size_mib)
    args.warmup = args.data
    if args.warmup_mib and args.warmup_mib != args.size_mib:
        args.warmup = os.path.join(args.work, "warmup.bin")
        write_random(args.warmup, args.warmup_mib)

    stores = args.stores.split(",")
    state = os.path.join(args.work, "emulators")
    fresh = args.emulators == "fresh" and any(not s.startswith("local") for s in stores)
    if fresh:
        for name in ("SHARPFLOW_TEST_S3_ENDPOINT", "STORAGE_EMULATOR_HOST", "SHARPFLOW_TEST_AZURE_CONNECTION_STRING"):
            os.environ.pop(name, None)
        start_emulators(state)
    try:
        results = [r for r in (bench_store(args, s) for s in stores) if r]
    finally:
        if fresh:
            subprocess.run(["bash", os.path.join(HERE, "..", "scripts", "emulators.sh"), "stop", state], check=False)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"size_mib": args.size_mib, "results": results}, fh, indent=1)

    mb = size / 1e6
    med = lambda rs, k: statistics.median(r[k] for r in rs)
    print(f"File: {args.size_mib} MiB of random bytes; medians of {args.rounds} rounds after a warm-up. Server RSS is VmRSS "
          f"sampled every 50 ms; server CPU is utime + stime per transfer.\n")
    print("| store | store client | proxy up | client up | up ratio | proxy down | client down | down ratio "
          "| server CPU up / down | RSS idle | RSS peak up / down |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        rs = r["rounds"]
        if "error" in r:
            print(f"| {r['store']} | {r['client']} | failed: {r['error']} |")
            continue
        pu, cu, pd, cd = (med(rs, k) for k in ("proxy_up_s", "client_up_s", "proxy_down_s", "client_down_s"))
        print(f"| {r['store']} | {r['client']} | {mb / pu:.0f} MB/s | {mb / cu:.0f} MB/s | {cu / pu * 100:.0f}% "
              f"| {mb / pd:.0f} MB/s | {mb / cd:.0f} MB/s | {cd / pd * 100:.0f}% "
              f"| {med(rs, 'proxy_up_cpu_s'):.2f} s / {med(rs, 'proxy_down_cpu_s'):.2f} s | {r['idle_mib']:.0f} MiB "
              f"| {max(x['proxy_up_peak_mib'] for x in rs):.0f} / {max(x['proxy_down_peak_mib'] for x in rs):.0f} MiB |")


if __name__ == "__main__":
    main()
