"""The shared harness of the client scenarios (*_flow.py): counted checks, sections, and the main loop.

Every check is counted; failures are printed as they happen, and main() ends with the plain line
'client-flow: N passed, N failed' and exits 1 if any check failed. An exception fails only its section.
"""

import os
import sys
import time
import traceback

from mlflow.exceptions import MlflowException

_passed = 0
_failed = []
_sections = []


def check(cond, what, got=None):
    global _passed
    if cond:
        _passed += 1
    else:
        msg = what if got is None else f"{what} (got {got!r})"
        _failed.append(msg)
        print(f"FAIL: {msg}", flush=True)


def eq(got, want, what):
    check(got == want, f"{what}: want {want!r}", got)


def section(fn):
    _sections.append(fn)
    return fn


def expect_error(code, what, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except MlflowException as e:
        eq(e.error_code, code, f"{what}: error_code")
        return e
    check(False, f"{what}: expected MlflowException {code}, call succeeded")
    return None


def _run_section(fn):
    name = fn.__name__
    t0 = time.time()
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        _failed.append(f"{name}: raised {type(e).__name__}: {e}")
        print(f"FAIL: {name} raised:\n{traceback.format_exc()}", flush=True)
    print(f"-- {name} ({time.time() - t0:.2f}s)", flush=True)


def main(banner):
    """Runs the registered sections. --skip NAME[,NAME] (or CLIENT_FLOW_SKIP) leaves sections out."""
    print(banner, flush=True)
    skip = set(filter(None, os.environ.get("CLIENT_FLOW_SKIP", "").split(",")))
    args = sys.argv[1:]
    while args:
        if args[0] == "--skip" and len(args) > 1:
            skip |= set(filter(None, args[1].split(",")))
            args = args[2:]
        else:
            sys.exit(f"usage: {sys.argv[0]} [--skip SECTION[,SECTION]]")
    unknown = skip - {fn.__name__ for fn in _sections}
    if unknown:
        sys.exit(f"unknown section(s) {sorted(unknown)}; sections: {[f.__name__ for f in _sections]}")
    for fn in _sections:
        if fn.__name__ in skip:
            print(f"-- {fn.__name__} SKIPPED", flush=True)
        else:
            _run_section(fn)
    print(f"client-flow: {_passed} passed, {len(_failed)} failed", flush=True)
    sys.exit(1 if _failed else 0)
