"""Parse messages with Python's standard email package and print what it
found as JSON, for compose's tests (an oracle mxkit did not write).

Usage: python3 parse.py FILE...  -> one JSON document per line.
"""
import email
import email.policy
import hashlib
import json
import sys


def addresses(msg, name):
    h = msg[name]
    if h is None:
        return None
    return [[a.display_name, a.addr_spec] for a in h.addresses]


def entity(part, defects):
    defects.extend(type(d).__name__ for d in part.defects)
    for name, value in part.items():
        defects.extend(name + ": " + type(d).__name__ for d in getattr(value, "defects", ()))
    out = {"type": part.get_content_type()}
    if part.is_multipart():
        out["parts"] = [entity(p, defects) for p in part.iter_parts()]
        return out
    data = part.get_payload(decode=True) or b""
    if part.get_content_maintype() == "text":
        # Text line breaks are compared as LF: Python gives them so.
        data = data.replace(b"\r\n", b"\n")
    out["sha256"] = hashlib.sha256(data).hexdigest()
    out["size"] = len(data)
    fn = part.get_filename()
    if fn is not None:
        out["filename"] = fn
    if part["Content-ID"] is not None:
        out["cid"] = str(part["Content-ID"])
    disp = part.get_content_disposition()
    if disp is not None:
        out["disposition"] = disp
    if part.get_content_maintype() == "text":
        out["text"] = part.get_content().replace("\r\n", "\n")
    return out


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        defects = []
        doc = {
            "from": addresses(msg, "From"),
            "to": addresses(msg, "To"),
            "cc": addresses(msg, "Cc"),
            "reply_to": addresses(msg, "Reply-To"),
            "bcc": msg["Bcc"] is not None,
            "subject": None if msg["Subject"] is None else str(msg["Subject"]),
            "message_id": str(msg["Message-ID"]),
            "date": msg["Date"].datetime.isoformat() if msg["Date"] else None,
            "headers": {k: str(v) for k, v in msg.items() if k.lower().startswith(("x-", "list-", "in-reply-to", "references"))},
            "body": entity(msg, defects),
        }
        doc["defects"] = defects
        print(json.dumps(doc, ensure_ascii=False))


main()
