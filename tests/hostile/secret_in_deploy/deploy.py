# A numeric secret of the wrong type, from a Python deploy.
import os

from specops import secret
from specops.ops import files

files.file(path="/tmp/specops-hostile/x", mode=secret(int(os.environ["SPECOPS_HOSTILE_PIN"])))
