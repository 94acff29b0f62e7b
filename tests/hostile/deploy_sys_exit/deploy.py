# sys.exit(0) in a deploy: apply must not end "successfully" with nothing applied.
import sys

from specops.ops import files

files.directory(path="/tmp/specops-hostile/exit")
sys.exit(0)
