"""Facts by family: a command and a pure parser each (``files.FileInfo``)."""
