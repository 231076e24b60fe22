#!/usr/bin/env bash
# Every impl_*/ folder is a registered tracker and every registered tracker
# has its folder: adding one is exactly a folder plus a line in
# model/trackers.def, and neither half can be forgotten.
set -u
src=$1
bench=$2
pass=0 fail=0
folders=$(cd "$src" && ls -d impl_*/ | sed 's#impl_##; s#/##' | sort)
registered=$(grep -o '^TRACKER([a-z0-9_]*)' "$src/model/trackers.def" | sed 's/TRACKER(//; s/)//' | sort)
if [ "$folders" = "$registered" ]; then pass=$((pass + 1)); else
	fail=$((fail + 1)); echo "FAILED: folders [$folders] != registered [$registered]"; fi
# And each one reaches the users: bench sim runs it.
for t in $registered; do
	if "$bench" sim --tracker="$t" --steps=1000 --json | grep -q "\"$t\""; then
		pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: bench sim --tracker=$t"; fi
done
echo "registry: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
