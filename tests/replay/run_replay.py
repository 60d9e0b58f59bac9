#!/usr/bin/env python3
"""Replays MLflow 3.11's recorded exchanges against fresh Sharpflow servers, one server per file.

Every difference is a failure unless tests/replay/known-differences.txt explains it (file, seq, reason).
Groups whose features are not built yet are listed there as whole files and only reported.
"""
import argparse, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def load_known(path):
    known, pending = {}, {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, seq, reason = [x.strip() for x in line.split("|", 2)]
        if seq == "*":
            pending[name] = reason
        else:
            known[(name, int(seq))] = reason
    return known, pending


def wait_health(url, proc, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            with urllib.request.urlopen(url + "/health", timeout=1) as r:
                if r.status == 200:
                    return
        except Exception:
            time.sleep(0.1)
    raise RuntimeError("server did not become healthy")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True, help="path of the sharpflow executable (or dll)")
    ap.add_argument("--shared", required=True)
    ap.add_argument("--files", nargs="*")
    ap.add_argument("--pg", help="admin URI of a PostgreSQL server: replay on a fresh database there instead of SQLite")
    args = ap.parse_args()
    args.server = os.path.abspath(args.server)
    corpus = os.path.join(args.shared, "fixtures", "mlflow-3.11", "replay")
    replay = os.path.join(args.shared, "tools", "replay.py")
    known, pending = load_known(os.path.join(HERE, "known-differences.txt"))
    files = args.files or sorted(f for f in os.listdir(corpus) if f.endswith(".jsonl"))
    total_pass = total_fail = unexplained = 0
    for name in files:
        if args.pg and name in pending:
            continue
        work = tempfile.mkdtemp(prefix="sf-replay-")
        port = free_port()
        store = f"sqlite:///{work}/mlflow.db"
        if args.pg:
            db = "replay_" + os.path.basename(work).replace("-", "_").lower()
            subprocess.run(["psql", args.pg, "-qc", f"CREATE DATABASE {db}"], check=True, capture_output=True)
            store = args.pg.rsplit("/", 1)[0] + "/" + db
        # <work>/artifacts as in the recording (<server-data>/artifacts), so download errors that name the folder match.
        cmd = ([args.server] if not args.server.endswith(".dll") else ["dotnet", args.server]) + [
            "server", "--backend-store-uri", store,
            "--artifacts-destination", f"{work}/artifacts", "--host", "127.0.0.1", "--port", str(port)]
        log = open(os.path.join(work, "server.log"), "w")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=work)
        try:
            wait_health(f"http://127.0.0.1:{port}", proc)
            report = os.path.join(work, "report.json")
            out = subprocess.run([sys.executable, replay, "--url", f"http://127.0.0.1:{port}", os.path.join(corpus, name),
                                  "--report", report], capture_output=True, text=True, timeout=600)
            data = json.load(open(report))
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        if args.pg:
            subprocess.run(["psql", args.pg, "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], capture_output=True)
        results = data.get("results") or []
        failed = [r for r in results if not r.get("passed")]
        passed = len(results) - len(failed)
        total_pass += passed
        total_fail += len(failed)
        if name in pending:
            print(f"{name}{' on PostgreSQL' if args.pg else ''}: {passed} passed, {len(failed)} failed (pending: {pending[name]})")
            shutil.rmtree(work, ignore_errors=True)
            continue
        bad = []
        for r in failed:
            seq = r.get("seq")
            if (name, seq) not in known and (name + "@postgresql" if args.pg else name, seq) not in known:
                bad.append(r)
        unexplained += len(bad)
        print(f"{name}{' on PostgreSQL' if args.pg else ''}: {passed} passed, {len(failed)} failed, {len(bad)} unexplained")
        for r in bad:
            print(f"  FAIL seq {r.get('seq')} {r.get('method')} {r.get('path')}: {json.dumps(r.get('diffs'))[:600]}")
        shutil.rmtree(work, ignore_errors=True)
    print(f"replay: {total_pass} exchanges matched MLflow, {total_fail} differed, {unexplained} unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
