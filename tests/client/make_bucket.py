"""Creates an empty bucket (container) on one of the storage emulators of scripts/emulators.sh, standard library only
(the client interpreter has no cloud SDKs besides boto3). Prints nothing; exits non-zero on failure.

    python3 make_bucket.py s3 NAME      uses SHARPFLOW_TEST_S3_ENDPOINT (moto accepts unsigned requests)
    python3 make_bucket.py gcs NAME     uses STORAGE_EMULATOR_HOST (JSON API, unauthenticated)
    python3 make_bucket.py azure NAME   uses SHARPFLOW_TEST_AZURE_CONNECTION_STRING (azurite; Shared Key signed)
"""

import base64
import email.utils
import hashlib
import hmac
import json
import os
import sys
import urllib.request


def s3(name):
    req = urllib.request.Request(f"{os.environ['SHARPFLOW_TEST_S3_ENDPOINT'].rstrip('/')}/{name}", method="PUT", data=b"")
    urllib.request.urlopen(req).close()


def gcs(name):
    host = os.environ["STORAGE_EMULATOR_HOST"]
    base = host if "://" in host else "http://" + host
    req = urllib.request.Request(f"{base.rstrip('/')}/storage/v1/b?project=demo-test", method="POST",
                                 data=json.dumps({"name": name}).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req).close()


def azure(name):
    # Create Container with a Shared Key signature, the one request the emulator needs before the server can write.
    parts = dict(p.split("=", 1) for p in os.environ["SHARPFLOW_TEST_AZURE_CONNECTION_STRING"].strip(";").split(";"))
    account, key, endpoint = parts["AccountName"], base64.b64decode(parts["AccountKey"]), parts["BlobEndpoint"].rstrip("/")
    url = f"{endpoint}/{name}?restype=container"
    headers = {"x-ms-date": email.utils.formatdate(usegmt=True), "x-ms-version": "2021-08-06"}
    signed_headers = dict(headers)
    path = urllib.request.urlparse(url).path  # /account/container on azurite (path-style)
    canonical_headers = "".join(f"{k}:{v}\n" for k, v in sorted(signed_headers.items()))
    # Fields: Content-Encoding, -Language, -Length (empty for 0), -MD5, -Type, Date, If-* (4), Range.
    to_sign = "PUT\n\n\n\n\ntext/plain\n" + "\n" * 6 + canonical_headers + f"/{account}{path}\nrestype:container"
    signature = base64.b64encode(hmac.new(key, to_sign.encode(), hashlib.sha256).digest()).decode()
    headers["Authorization"] = f"SharedKey {account}:{signature}"
    headers["Content-Type"] = "text/plain"  # urllib would add a form type to a PUT with a body otherwise
    urllib.request.urlopen(urllib.request.Request(url, method="PUT", data=b"", headers=headers)).close()


if __name__ == "__main__":
    {"s3": s3, "gcs": gcs, "azure": azure}[sys.argv[1]](sys.argv[2])
