"""Run flufl.bounce over the bounce corpus: failed addresses per message and
messages per second, printed as JSON for main.go."""
import email, json, os, sys, time
from flufl.bounce import all_failures

corpus, rounds = sys.argv[1], int(sys.argv[2])
files = []
with open(os.path.join(corpus, "labels.tsv")) as f:
    next(f)
    for line in f:
        name = line.split("\t")[0]
        if name not in files:
            files.append(name)
msgs = [open(os.path.join(corpus, n), "rb").read() for n in files]

def scan(raw):
    try:
        temp, perm = all_failures(email.message_from_bytes(raw))
        return len(set(temp) | set(perm))
    except Exception:
        return 0

counts = {n: scan(m) for n, m in zip(files, msgs)}
start = time.perf_counter()
for _ in range(rounds):
    for m in msgs:
        scan(m)
rate = rounds * len(msgs) / (time.perf_counter() - start)
print(json.dumps({"counts": counts, "rate": rate}))
