#!/bin/sh
# Seeds the fuzz corpora from the checked-in fixtures. Run from crates/proscribe-collect.
set -eu
mkdir -p fuzz/corpus/hive fuzz/corpus/reg
for f in fixtures/roots/windows/Windows/System32/config/* fixtures/roots/windows/Users/*/NTUSER.DAT \
         fixtures/windows-hive/hivex/*; do
  cp "$f" "fuzz/corpus/hive/$(echo "$f" | tr '/' '_')"
done
for f in fixtures/windows-reg/*.reg fixtures/windows-hive/inputs/*.reg; do
  cp "$f" "fuzz/corpus/reg/$(echo "$f" | tr '/' '_')"
done
