#!/bin/sh
# Seeds the hive and reg fuzz corpora (fuzz/corpus/{hive,reg}, not committed: the kept inputs
# are crates/proscribe-collect/fixtures/fuzz-regressions/) from the Windows fixtures.
# Run from the repository root.
set -eu
fx=crates/proscribe-collect/fixtures
mkdir -p fuzz/corpus/hive fuzz/corpus/reg
for f in "$fx"/roots/windows/Windows/System32/config/* "$fx"/roots/windows/Users/*/NTUSER.DAT \
         "$fx"/windows-hive/hivex/* "$fx"/fuzz-regressions/hive/*; do
  cp "$f" "fuzz/corpus/hive/$(echo "$f" | tr '/' '_')"
done
for f in "$fx"/windows-reg/*.reg "$fx"/windows-hive/inputs/*.reg "$fx"/fuzz-regressions/reg/*; do
  cp "$f" "fuzz/corpus/reg/$(echo "$f" | tr '/' '_')"
done
