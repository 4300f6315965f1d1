"""Start moto_server with KMS ListKeys pagination.

moto (5.2.x, and the newest release checked, 5.2.5) answers ListKeys with every key and
"Truncated": false, ignoring Limit and Marker. Real KMS pages at Limit (1-1000, default 100) and
returns NextMarker/Truncated. The integration tests must exercise real pagination over HTTP, so this
launcher wraps moto's own ListKeys handler with the documented AWS semantics; every other operation is
moto's unchanged. Usage: python3 moto_server_paginated.py -H 127.0.0.1 -p PORT
"""
import base64
import json
import signal
import sys

from moto.kms.responses import KmsResponse
from moto.server import main

_original_list_keys = KmsResponse.list_keys


def _paginated_list_keys(self):
    everything = json.loads(_original_list_keys(self))["Keys"]
    limit = self._get_param("Limit")
    marker = self._get_param("Marker")
    if limit is None:
        limit = 100
    if not isinstance(limit, int) or not 1 <= limit <= 1000:
        raise ValueError("Limit must be between 1 and 1000")
    start = 0
    if marker:
        try:
            start = int(base64.b64decode(marker).decode())
        except Exception:
            from moto.kms.exceptions import ValidationException
            raise ValidationException("Invalid marker")
    page = everything[start:start + limit]
    end = start + len(page)
    response = {"Keys": page, "Truncated": end < len(everything)}
    if response["Truncated"]:
        response["NextMarker"] = base64.b64encode(str(end).encode()).decode()
    return json.dumps(response)


KmsResponse.list_keys = _paginated_list_keys

if __name__ == "__main__":
    # A child of a Swift test process can inherit a blocked SIGTERM; unblock it so the test can stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    main(sys.argv[1:])
