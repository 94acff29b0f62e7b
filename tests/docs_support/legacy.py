from specops.ops import files

files.directory(path="/opt/legacy")
