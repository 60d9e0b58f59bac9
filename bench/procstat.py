#!/usr/bin/env python3
"""Process helpers for bench/run.sh (standard library only, Linux /proc).

  procstat.py start --url URL --pidfile F --log F [--cwd DIR] [--timeout S] -- COMMAND...
      Starts COMMAND in its own session, polls URL/health every 5 ms and prints
      {"startup_ms": ..., "pid": ...} once it answers 200. The server keeps running.
  procstat.py rss PID
      Prints {"rss_mib": ..., "processes": N}: VmRSS summed over PID and its descendants.
  procstat.py stop PID
      SIGTERM to PID's process group (the one `start` created), then SIGKILL after 10 s.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == pid:
            out.append(int(entry))
    return out


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(children(p))
    return seen


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cmd_start(argv):
    opts, cmd = argv[: argv.index("--")], argv[argv.index("--") + 1:]
    o = dict(zip(opts[0::2], opts[1::2]))
    url = o["--url"].rstrip("/") + "/health"
    timeout = float(o.get("--timeout", "60"))
    log = open(o["--log"], "ab")
    if os.sep in cmd[0] and not os.path.isabs(cmd[0]):
        cmd[0] = os.path.abspath(cmd[0])  # relative to the caller, not to --cwd
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                            cwd=o.get("--cwd"))
    with open(o["--pidfile"], "w") as fh:
        fh.write(str(proc.pid))
    while True:
        if proc.poll() is not None:
            print(json.dumps({"error": f"server exited with {proc.returncode}", "pid": proc.pid}))
            return 1
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    break
        except Exception:  # noqa: BLE001 - not up yet
            pass
        if time.perf_counter() - t0 > timeout:
            print(json.dumps({"error": f"no 200 from {url} within {timeout} s", "pid": proc.pid}))
            return 1
        time.sleep(0.005)
    ms = (time.perf_counter() - t0) * 1000.0
    print(json.dumps({"startup_ms": round(ms, 1), "pid": proc.pid}))
    return 0


def cmd_rss(pid):
    pids = tree(pid)
    total = sum(rss_kib(p) for p in pids)
    print(json.dumps({"rss_mib": round(total / 1024.0, 1), "processes": len(pids)}))
    return 0


def cmd_stop(pid):
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return 0
    for _ in range(200):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return 0
        # reap if it is our zombie (it is not: `start` exited), so just poll /proc
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().split(") ")[1].startswith("Z"):
                    return 0
        except OSError:
            return 0
        time.sleep(0.05)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return 0


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    sub = sys.argv[1]
    if sub == "start":
        return cmd_start(sys.argv[2:])
    if sub == "rss":
        return cmd_rss(int(sys.argv[2]))
    if sub == "stop":
        return cmd_stop(int(sys.argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
