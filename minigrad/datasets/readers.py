"""Readers for sentence-classification files: MR, SST, "label sentence" lines, "label<TAB>text" files and CSV.

Each reader returns a ``TextDataset``: parallel lists ``texts`` and
``labels`` (class ids 0, 1, ...) plus ``label_names``, so that
``label_names[labels[i]]`` is example ``i``'s class.

A data file is untrusted input; what the readers guard against:

- a byte-order mark (UTF-8's "\\ufeff" from Windows editors) is dropped,
  so it cannot glue itself onto the first label;
- "\\r\\n", "\\n" and a bare "\\r" all end a line (and nothing else does:
  "\\x85" or "\\u2028" can sit inside a sentence);
- an unknown encoding, undecodable bytes, an empty file or line, a missing
  column, a field longer than the csv module allows: each is a
  ``DatasetError`` naming the file, the line and what to do, never a
  traceback.
"""
import codecs
import csv
import io
import os
import re
import tarfile

from ..data.dataset import Dataset
from .errors import DatasetError

MR_URL = "https://www.cs.cornell.edu/people/pabo/movie-review-data/rt-polaritydata.tar.gz"
# The archive's SHA-256 could not be checked when this was written (no network), and a checksum
# copied from memory would defeat its purpose.  Compute it once from a copy you trust
# (`sha256sum rt-polaritydata.tar.gz`) and pass read_mr(..., download=True, sha256="...").
MR_SHA256 = None
MR_FILES = {"rt-polarity.neg": 0, "rt-polarity.pos": 1}


class TextDataset(Dataset):
    """Texts with integer labels; ``dataset[i]`` is ``(text, label)``."""

    def __init__(self, texts, labels, label_names, source=None):
        if len(texts) != len(labels):
            raise ValueError(f"TextDataset: {len(texts)} texts but {len(labels)} labels")
        self.texts, self.labels, self.label_names, self.source = list(texts), list(labels), list(label_names), source

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, index):
        return self.texts[index], self.labels[index]

    def class_counts(self):
        """How many examples each class has, e.g. ``{"negative": 5331, "positive": 5331}``."""
        return {name: self.labels.count(i) for i, name in enumerate(self.label_names)}

    def __repr__(self):
        return f"TextDataset({len(self)} examples, classes {self.class_counts()}, from {self.source})"


# --------------------------------------------------------------------- lines
def _read_text(path, encoding):
    """The whole file as text, with the errors a student can act on."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise DatasetError(f"{path}: no such file")
    if os.path.isdir(path):
        raise DatasetError(f"{path}: is a folder, expected a file")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as err:
        raise DatasetError(f"{path}: cannot be read ({err.strerror})") from None
    check_encoding(encoding)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        other = "utf-8" if codecs.lookup(encoding).name != "utf-8" else "cp1252"
        raise DatasetError(f"{path}, line {line}: byte {raw[err.start]:#04x} is not valid {encoding}; "
                           f"the file is in another encoding - try {other} (--encoding {other} on the command "
                           "line; latin-1 accepts every byte)") from None
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the first label
    if not text.strip():
        raise DatasetError(f"{path}: the file is empty")
    return text


def check_encoding(encoding):
    """Raise ``DatasetError`` unless Python knows ``encoding`` (e.g. 'utf-8', 'cp1252', 'utf-16-le')."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise DatasetError(f"unknown encoding {encoding!r}; use a name Python knows, such as utf-8, cp1252, "
                           "latin-1 or utf-16-le") from None


_LINE_END = re.compile("\r\n|\r|\n")


def _lines(path, encoding):
    """(line number, line) for each line; blank lines at the end are ignored, others are an error.

    Lines end at "\\r\\n", "\\n" or a lone "\\r" (old Mac files), and nowhere
    else: ``str.splitlines`` would also break at "\\x85", "\\u2028" and other
    characters that can sit inside a sentence.
    """
    lines = _LINE_END.split(_read_text(path, encoding).rstrip("\r\n"))
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise DatasetError(f"{path}, line {number}: the line is empty (every line should hold one example)")
        yield number, line


def _label_ids(raw_labels, label_names, path):
    """Map label strings to ids; without names, the sorted distinct labels become the names."""
    if label_names is None:
        distinct = set(label for _, label in raw_labels)
        numeric = all(label.lstrip("-").isdigit() for label in distinct)
        label_names = sorted(distinct, key=int if numeric else str)  # numerically: "2" before "10"
    index = {name: i for i, name in enumerate(label_names)}
    ids = []
    for line, label in raw_labels:
        if label not in index:
            raise DatasetError(f"{path}, line {line}: label {label!r} is not one of the classes {list(label_names)}")
        ids.append(index[label])
    return ids, list(label_names)


# ------------------------------------------------------------------- readers
def read_mr(folder, encoding="cp1252", download=False, sha256=MR_SHA256):
    """Pang and Lee's sentence polarity data (MR): ``rt-polarity.pos`` and ``rt-polarity.neg`` in ``folder``.

    5,331 positive and 5,331 negative sentences; labels negative=0,
    positive=1.  The files are cp1252, not UTF-8.  With ``download=True``
    and the files missing, the archive at ``MR_URL`` is fetched into
    ``folder`` first; that needs its SHA-256 (see ``MR_SHA256``).
    """
    folder = os.fspath(folder)
    if download and not all(os.path.exists(os.path.join(folder, name)) for name in MR_FILES):
        _download_mr(folder, sha256)
    texts, labels = [], []
    for name, label in MR_FILES.items():
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            raise DatasetError(f"{path}: no such file. MR comes from {MR_URL}; unpack rt-polarity.pos and "
                               f"rt-polarity.neg into {folder} (or use download=True with its sha256)")
        for _, line in _lines(path, encoding):
            texts.append(line.strip())
            labels.append(label)
    return TextDataset(texts, labels, ["negative", "positive"], source=folder)


def _download_mr(folder, sha256):
    from .download import download  # here, so that reading local files never needs the network code

    url = MR_URL  # read at call time, so a test can point it at a local server

    if sha256 is None:
        raise DatasetError(f"read_mr(download=True) needs the archive's SHA-256: minigrad ships none it could "
                           f"verify. Download {url} by hand, check it, and either unpack rt-polarity.pos/.neg "
                           f"into {folder} or pass sha256=... (the output of sha256sum).")
    archive = download(url, folder, sha256)
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            name = os.path.basename(member.name)
            # Only the two data files, written by name: a crafted archive cannot write elsewhere.
            if member.isfile() and name in MR_FILES:
                with open(os.path.join(folder, name), "wb") as out:
                    out.write(tar.extractfile(member).read())


SST_BINARY = ["negative", "positive"]
SST_FINE = ["very negative", "negative", "neutral", "positive", "very positive"]


def read_sst(path, fine_grained=None, encoding="utf-8"):
    """A Stanford Sentiment Treebank sentence file: "label sentence" per line (``stsa.binary.*``, ``stsa.fine.*``).

    ``fine_grained=False`` expects labels 0-1 (``SST_BINARY``), ``True``
    labels 0-4 (``SST_FINE``); ``None`` decides from the labels found.
    """
    path = os.fspath(path)
    texts, labels = [], []
    for number, line in _lines(path, encoding):
        label, _, sentence = line.partition(" ")
        if not label.isdigit():
            raise DatasetError(f"{path}, line {number}: expected \"<label> <sentence>\" with a number first, "
                               f"got {line[:50]!r}")
        if not sentence.strip():
            raise DatasetError(f"{path}, line {number}: the sentence is empty")
        texts.append(sentence.strip())
        labels.append((number, int(label)))
    if fine_grained is None:
        fine_grained = max(label for _, label in labels) > 1
    names = SST_FINE if fine_grained else SST_BINARY
    for number, label in labels:
        if label >= len(names):
            raise DatasetError(f"{path}, line {number}: label {label} is outside the {len(names)} classes "
                               f"{names} (fine_grained={fine_grained})")
    return TextDataset(texts, [label for _, label in labels], names, source=path)


def read_labelled(path, label_names=None, encoding="utf-8"):
    """"label sentence" per line, with any labels: the first word (up to a space or a tab) is the label.

    ``stsa.binary.train`` read this way has the classes "0" and "1"; a file of
    "DESC how did serfdom develop ?" lines has TREC's six classes.  Without
    ``label_names`` the distinct labels, sorted, become the classes.
    """
    path = os.fspath(path)
    texts, raw_labels = [], []
    for number, line in _lines(path, encoding):
        parts = line.strip().split(None, 1)
        if len(parts) < 2:
            raise DatasetError(f"{path}, line {number}: expected \"<label> <sentence>\", got {line[:50]!r}")
        texts.append(parts[1].strip())
        raw_labels.append((number, parts[0]))
    labels, names = _label_ids(raw_labels, label_names, path)
    return TextDataset(texts, labels, names, source=path)


def read_tsv_labeled(path, label_first=True, label_names=None, encoding="utf-8"):
    """A "label<TAB>text" file such as the SMS Spam Collection ("ham\\tGo until ...").

    ``label_first=False`` reads "text<TAB>label".  Without ``label_names``
    the distinct labels, sorted, become the classes (SMS: ham=0, spam=1).
    """
    path = os.fspath(path)
    texts, raw_labels = [], []
    for number, line in _lines(path, encoding):
        if "\t" not in line:
            raise DatasetError(f"{path}, line {number}: no tab; expected \"label<TAB>text\", got {line[:50]!r}")
        label, text = line.split("\t", 1) if label_first else line.rsplit("\t", 1)[::-1]
        if not text.strip():
            raise DatasetError(f"{path}, line {number}: the text is empty")
        texts.append(text.strip())
        raw_labels.append((number, label.strip()))
    labels, names = _label_ids(raw_labels, label_names, path)
    return TextDataset(texts, labels, names, source=path)


def read_csv(path, text_column, label_column, delimiter=None, label_names=None, encoding="utf-8"):
    """A table with a header row, e.g. GLUE's SST-2 ``train.tsv`` ("sentence<TAB>label").

    The delimiter comes from the extension when not given: tab for ``.tsv``
    and ``.tab``, comma for anything else.  CSV files may quote fields; tab
    files are read without quoting, because their text often holds
    unmatched quote characters.
    """
    path = os.fspath(path)
    if delimiter is None:
        delimiter = "\t" if os.path.splitext(path)[1].lower() in (".tsv", ".tab") else ","
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(io.StringIO(_read_text(path, encoding), newline=""), delimiter=delimiter, quoting=quoting)
    header = next(_rows(reader, path))
    missing = [c for c in (text_column, label_column) if c not in header]
    if missing:
        raise DatasetError(f"{path}: no column {missing[0]!r} in the header; the columns are {header} "
                           f"(delimiter {delimiter!r})")
    t, lab = header.index(text_column), header.index(label_column)
    texts, raw_labels = [], []
    for row in _rows(reader, path):
        number = reader.line_num
        if not any(field.strip() for field in row):
            continue
        if len(row) != len(header):
            raise DatasetError(f"{path}, line {number}: {len(row)} fields, but the header has {len(header)}")
        if not row[t].strip():
            raise DatasetError(f"{path}, line {number}: the text is empty")
        texts.append(row[t].strip())
        raw_labels.append((number, row[lab].strip()))
    if not texts:
        raise DatasetError(f"{path}: the header is there but no rows follow")
    labels, names = _label_ids(raw_labels, label_names, path)
    return TextDataset(texts, labels, names, source=path)


def _rows(reader, path):
    """The csv reader's rows, its errors (a field over its size limit, a stray quote) as ``DatasetError``."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            hint = (" - usually a quote (\") opened and never closed, so the rest of the file became one field; "
                    "fix the quote, or shorten the text" if "field larger" in str(err) else "")
            raise DatasetError(f"{path}, line {reader.line_num}: cannot be read as CSV ({err}){hint}") from None
        yield row
