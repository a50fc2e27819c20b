#!/bin/sh
echo "starting a long wait"
sleep 300
