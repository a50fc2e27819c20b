#!/bin/sh
echo "args: $*"
exit 1
