"""Application core of the sub-center client. It never imports Qt: the command line,
tests and servers use it without a QApplication."""

__version__ = "0.1.0"
