"""A mail server for the fault test (bench/faults.py) that records every message and refuses on cue.

    python bench/smtp_server.py --port 8026 --log var/faults/mail.log --control var/faults/mail-control.json

Each message accepted adds a line "recipient<TAB>subject" to the log. The control file, read
for every message, may hold {"subject": S, "refuse_after": N, "refuse_seconds": T}: once N
messages with subject S have been accepted, every message is refused (421) for T seconds.
"""

import argparse
import asyncio
import email
import email.policy
import json
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class RecordingHandler:
    def __init__(self, log: Path, control: Path):
        self.log = log
        self.control = control
        self.counts: dict[str, int] = {}
        self.refusing_until: dict[str, float] = {}

    def _refusing(self) -> bool:
        try:
            cue = json.loads(self.control.read_text())
        except (FileNotFoundError, ValueError):
            return False
        subject = cue.get("subject")
        if not subject or self.counts.get(subject, 0) < cue.get("refuse_after", 0):
            return False
        until = self.refusing_until.setdefault(subject, time.monotonic() + cue.get("refuse_seconds", 0))
        return time.monotonic() < until

    async def handle_DATA(self, server, session, envelope):
        if self._refusing():
            return "421 Service not available, closing transmission channel"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = " ".join(str(message["Subject"]).split())
        with self.log.open("a") as log:
            for recipient in envelope.rcpt_tos:
                log.write(f"{recipient}\t{subject}\n")
        self.counts[subject] = self.counts.get(subject, 0) + len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8026)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--control", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(RecordingHandler(args.log, args.control), hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
