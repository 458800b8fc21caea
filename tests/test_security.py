"""No network at run time: the model, the lexicons and dateparser all work with sockets blocked."""

from __future__ import annotations

import subprocess
import sys

BLOCKED_RUN = r'''
import socket

def refuse(*args, **kwargs):
    raise OSError("network access attempted")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from extract import Options, extract_record
from extract.pipeline import load_nlp

text = ("Council rated inadequate\n\nPublished 3 May 2018\n\n"
        "Kestrelford City Council was rated inadequate by Ofsted last month, "
        "said Cllr Jane Roe. It will improve by the end of next year.\n")
record = extract_record(text, load_nlp(), Options(source="t.txt"))
assert record.ratings and record.dates, record
print("ok", [d.value for d in record.dates])
'''


def test_extraction_runs_with_the_network_blocked():
    done = subprocess.run([sys.executable, "-c", BLOCKED_RUN], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")
    assert "2018-04" in done.stdout  # relative dates resolved against the dateline, offline
