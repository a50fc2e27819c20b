#!/bin/sh
# Marks itself running in $1, waits, and prints how many checks were running at that moment.
touch "$1/$$"
sleep 1
ls "$1" | wc -l | tr -d ' '
rm "$1/$$"
exit 0
