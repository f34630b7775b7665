"""The PySide6 user interface. It calls ``desktop`` services and shows their results."""
