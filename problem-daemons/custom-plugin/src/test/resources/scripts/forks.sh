#!/bin/sh
# Starts two children and a grandchild, writes their pids to $1, then hangs: the timeout must kill them all.
sleep 300 &
echo $! >> "$1"
sh -c 'sleep 300 & echo $! >> "$1"; wait' grandparent "$1" &
echo $! >> "$1"
echo "forked"
sleep 300
