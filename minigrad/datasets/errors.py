"""The error every reader and download raises when its input is wrong."""


class DatasetError(ValueError):
    """A data file is missing, unreadable or malformed; the message names the file and, if known, the line."""


class DownloadError(DatasetError):
    """A download failed or its checksum did not match; the message says what to do by hand."""
