"""Feed real texts through random mutations for a while; report crashes, slow inputs and ungrounded spans.

    python benchmarks/fuzz.py --minutes 10 ../shared/corpus

Every mutated text goes through the core (`extract_record`); the record must validate, every span must
point at its text, and no input may take longer than --slow seconds. Failing inputs are saved to
--failures for replay. Prints how many inputs were tried.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from extract import Options, extract_record
from extract.inputs import decode
from extract.pipeline import load_nlp
from extract.records import Record, iter_spans

NOISE = ["•", "- ", "* ", "1. ", "“", "”", '"', "'", "‘", "’", "\r\n", "\n\n", "\x00", "\x07", "😀", "שלום",
         "Sir ", "Cllr ", "inadequate", "rated good", "last month", "31 February 2019", "the 45th", "Mr Mr Mr ",
         "\u202e", "\ufeff", "::::", "((((", "“" * 50, "- " * 30]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 8)):
        action = rng.choice(["cut", "insert", "shuffle", "crlf", "delete", "upper", "repeat"])
        if action == "cut":
            text = text[: rng.randint(0, len(text))]
        elif action == "insert":
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(NOISE) + text[at:]
        elif action == "shuffle":
            lines = text.split("\n")
            rng.shuffle(lines)
            text = "\n".join(lines)
        elif action == "crlf":
            text = text.replace("\n", "\r\n")
        elif action == "upper":
            text = text.upper()
        elif action == "repeat" and len(text) < 200_000:
            a = rng.randint(0, len(text))
            text = text[:a] + text[a : a + 200] * rng.randint(2, 20) + text[a:]
        elif text:
            a = rng.randint(0, len(text) - 1)
            text = text[:a] + text[a + rng.randint(1, 80) :]
    return text




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--slow", type=float, default=20, help="seconds after which one input counts as a hang")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--failures", type=Path, default=Path("fuzz-failures"))
    args = parser.parse_args()
    files = sorted(p for root in args.roots for p in ([root] if root.is_file() else root.rglob("*")) if p.is_file()
                   and p.suffix in (".txt", ".tml", ".xml", ""))
    texts = [decode(p.read_bytes()[:300_000]).text for p in files]
    rng = random.Random(args.seed)
    nlp = load_nlp()
    deadline = time.monotonic() + args.minutes * 60
    tried = failures = 0
    slowest = 0.0
    while time.monotonic() < deadline:
        text = mutate(rng.choice(texts), rng)
        started = time.monotonic()
        problem = None
        try:
            data = json.loads(extract_record(text, nlp, Options(source="fuzz")).model_dump_json())
            Record.model_validate(data)
            for (start, end), words in iter_spans(data):
                if text[start:end] != words:
                    problem = f"ungrounded span {start}:{end}"
                    break
        except Exception as err:  # a fuzzer reports every failure
            problem = f"{type(err).__name__}: {err}"
        took = time.monotonic() - started
        slowest = max(slowest, took)
        if problem is None and took > args.slow:
            problem = f"slow: {took:.1f}s for {len(text)} chars"
        tried += 1
        if problem:
            failures += 1
            args.failures.mkdir(exist_ok=True)
            (args.failures / f"{tried:06d}.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
            print(f"input {tried}: {problem}", flush=True)
    print(f"files: {len(files)}  inputs tried: {tried}  failures: {failures}  slowest: {slowest:.2f}s")


if __name__ == "__main__":
    main()
