#!/usr/bin/env bash
# Print "N passed, N failed, N skipped" from a meson build dir's test log,
# counting each meson test and, inside cmocka binaries, each test case.
set -u
log=${1:?build dir}/meson-logs/testlog.json
[ -f "$log" ] || { echo "0 passed, 1 failed"; exit 1; }
python3 - "$log" <<'PY'
import json, re, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    res = t.get("result")
    out = (t.get("stdout") or "") + (t.get("stderr") or "")
    m_pass = re.search(r"\[  PASSED  \] (\d+) test", out)
    m_fail = re.search(r"\[  FAILED  \] (\d+) test", out)
    m_sh = re.search(r"^\w+: (\d+) passed, (\d+) failed", out, re.M)
    if res == "SKIP":
        skipped += 1
    elif m_sh:
        passed += int(m_sh.group(1))
        failed += int(m_sh.group(2))
        if res != "OK" and int(m_sh.group(2)) == 0:
            failed += 1
    elif m_pass or m_fail:
        passed += int(m_pass.group(1)) if m_pass else 0
        failed += int(m_fail.group(1)) if m_fail else 0
        if res != "OK" and not m_fail:
            failed += 1
    elif res in ("OK", "EXPECTEDFAIL"):
        passed += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
