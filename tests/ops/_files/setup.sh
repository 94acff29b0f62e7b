#!/bin/sh
printf '%s\n' "$1" > /root/script-ran
