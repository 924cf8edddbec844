#!/bin/sh
# Print the path of a Python 3.12+ interpreter, or explain what is missing and fail.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
if [ -n "$PYTHON" ] && ok "$PYTHON"; then command -v "$PYTHON"; exit 0; fi
for candidate in python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && ok "$candidate"; then command -v "$candidate"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -rV); do
        if ok "$root/versions/$version/bin/python3"; then echo "$root/versions/$version/bin/python3"; exit 0; fi
    done
fi
echo "Amtsweg braucht Python 3.12 oder neuer; keines gefunden (python3.13, python3.12, python3, pyenv)." >&2
echo "Bitte Python 3.12+ installieren oder PYTHON=/pfad/zu/python3.12 setzen." >&2
exit 1
