"""A stand-in for the GitHub CLI that replays a recorded exchange, for tests.

Each call must match the next recorded request (the ``gh`` arguments, and for
GraphQL the operation name); it answers with the recorded reply and appends
what it was really sent to the log, so a test reads every request as GitHub
would have received it. Anything unexpected exits 1 with one line, as gh does.
"""

import json
import os
import sys
from pathlib import Path

exchange = json.loads(Path(os.environ["FAKE_GH_EXCHANGE"]).read_text(encoding="utf-8"))
log = Path(os.environ["FAKE_GH_LOG"])
done = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
arguments = sys.argv[1:]
payload = json.loads(sys.stdin.read()) if "--input" in arguments else None
with log.open("a", encoding="utf-8") as out:
    out.write(json.dumps({"arguments": arguments, "payload": payload}) + "\n")
if done >= len(exchange):
    sys.exit(f"fake gh: unexpected call {arguments}")
expected = exchange[done]
operation = (payload or {}).get("query", "").split("(")[0].split()[-1:] if payload else []
if arguments[: len(expected["arguments"])] != expected["arguments"] or (
    expected.get("operation") and operation != [expected["operation"]]
):
    wanted = f"{expected['arguments']} {expected.get('operation')}"
    sys.exit(f"fake gh: expected {wanted}, got {arguments} {operation}")
if os.environ.get("GH_TOKEN") != expected["token"]:
    sys.exit(f"fake gh: call {done} used the wrong token")
print(json.dumps(expected["reply"]))
