#!/bin/sh
# About 20 MB on stdout and on stderr: must be read and discarded, never held.
head -c 20000000 /dev/zero | tr '\0' 'x'
head -c 20000000 /dev/zero | tr '\0' 'y' >&2
exit 1
