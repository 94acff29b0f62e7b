"""The file-state toolkit the families share: content, writes."""
