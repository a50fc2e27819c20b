#!/bin/sh
# Exits at once but leaves a child holding its stdout open (no redirection), writing its pid to $1.
sleep 300 &
echo $! > "$1"
echo "done"
exit 0
