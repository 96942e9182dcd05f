"""The printable client record and progress charts."""
