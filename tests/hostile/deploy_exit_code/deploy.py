# SystemExit(7) would leak a code outside the documented ones.
raise SystemExit(7)
