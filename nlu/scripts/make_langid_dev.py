#!/usr/bin/env python3
"""Builds the language-identification development set used to choose the detector's rules.

Sources are never lingua's test data: xed (all), xsid dev, the Russian NLU and SentiRuEval train splits
from ../shared/data, plus Komek's own training examples in models/content/examples. Each language
gets up to 400 sentences, 400 word pairs (>= 10 chars) and 400 single words (>= 5 chars), like the
lingua test kinds.

    python3 nlu/scripts/make_langid_dev.py ../shared/data > /tmp/langdev.jsonl
    cargo run --release -- nlu eval-lang --test /tmp/langdev.jsonl
"""
import glob, json, os, random, re, sys, tomllib

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
random.seed(7)
src = {}

def add(lang, text):
    src.setdefault(lang, []).append(text.strip())

def rows(path):
    with open(os.path.join(data, path), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

for r in rows("xed/all.jsonl"):
    if r["lang"] in ("ru", "tr", "de", "es", "fr", "ar", "zh", "en"):
        add(r["lang"], r["text"])
for r in rows("xsid/dev.jsonl"):
    if r["lang"] in ("kk", "de", "tr", "ar", "zh", "en"):
        add(r["lang"], r["text"])
for path in ("nlu-evaluation-data-ru/train.jsonl", "sentirueval2016/train.jsonl"):
    for r in rows(path):
        add("ru", r["text"])
for f in sorted(glob.glob(os.path.join(repo, "models/content/examples/*.toml"))):
    d = tomllib.load(open(f, "rb"))
    for v in d["intents"].values():
        for t in v:
            add(d["lang"], t)

for lang, texts in src.items():
    texts = [t for t in texts if len(t) >= 10]
    random.shuffle(texts)
    words = [w for t in texts for w in re.findall(r"\w+", t) if not w.isdigit()]
    singles = [w for w in words if len(w) >= 5]
    random.shuffle(singles)
    pairs = []
    for t in texts:
        ws = [w for w in re.findall(r"\w+", t) if not w.isdigit()]
        pairs += [a + " " + b for a, b in zip(ws, ws[1:]) if len(a) + len(b) >= 9]
    random.shuffle(pairs)
    for kind, items in (("sentence", texts[:400]), ("single-word", singles[:400]), ("word-pair", pairs[:400])):
        for t in items:
            print(json.dumps({"text": t, "lang": lang, "kind": kind}, ensure_ascii=False))
