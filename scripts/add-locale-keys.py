#!/usr/bin/env python3
"""Adds translation keys to both locale files at once, keeping them sorted and in step.

Usage: scripts/add-locale-keys.py KEY ZH EN [KEY ZH EN ...]
Existing keys are overwritten. Needs PyYAML (python3 -m pip install pyyaml).
"""
import sys
import yaml

FILES = {"zh": "locales/zh-CN.yml", "en": "locales/en.yml"}
HEADERS = {
    "zh": "# Chinese (default) translations. Keys are the same in zh-CN.yml and en.yml (a test checks).\n",
    "en": "# English translations. Keys are the same in zh-CN.yml and en.yml (a test checks).\n",
}

args = sys.argv[1:]
if not args or len(args) % 3:
    sys.exit(__doc__)
for lang, path in FILES.items():
    with open(path) as f:
        data = yaml.safe_load(f)
    for i in range(0, len(args), 3):
        key, zh, en = args[i : i + 3]
        d = data
        parts = key.split(".")
        for p in parts[:-1]:
            d = d.setdefault(p, {})
            if not isinstance(d, dict):
                sys.exit(f"{key}: {p} is a leaf")
        d[parts[-1]] = zh if lang == "zh" else en
    with open(path, "w") as f:
        f.write(HEADERS[lang])
        yaml.safe_dump(data, f, allow_unicode=True, sort_keys=True, width=1000)
