#!/bin/sh
echo "cannot reach the metadata server" >&2
exit 3
