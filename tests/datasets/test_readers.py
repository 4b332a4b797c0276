"""The readers: on the real files in shared/data, and on small broken files made here."""
import pytest

from minigrad.datasets import DatasetError, TextDataset, read_csv, read_labelled, read_mr, read_sst, read_tsv_labeled
from minigrad.text import tokenize


# ------------------------------------------------------------ the real files
def test_mr_counts_and_encoding(data_file):
    ds = read_mr(data_file("mr"))
    assert ds.class_counts() == {"negative": 5331, "positive": 5331}
    assert isinstance(ds, TextDataset) and len(ds) == 10662
    assert all(ds.texts) and any("\u2026" in t or "\u2019" in t or "\u201c" in t for t in ds.texts)
    assert ds[0][1] == 0 and ds[len(ds) - 1][1] == 1


@pytest.mark.parametrize("split, count", [("train", 6920), ("dev", 872), ("test", 1821)])
def test_sst_binary_counts(data_file, split, count):
    ds = read_sst(data_file(f"sst/stsa.binary.{split}"))
    assert len(ds) == count and ds.label_names == ["negative", "positive"]


def test_sst_fine_grained(data_file):
    ds = read_sst(data_file("sst/stsa.fine.train"))
    assert len(ds) == 8544 and len(ds.label_names) == 5 and set(ds.labels) == {0, 1, 2, 3, 4}


def test_tokenize_is_stable_on_real_sentences(data_file):
    # Tokenised text passes through tokenize unchanged, so SST's "it 's" and its raw "it's" agree.
    texts = read_sst(data_file("sst/stsa.binary.train")).texts + read_mr(data_file("mr")).texts
    for text in texts:
        tokens = tokenize(text)
        assert tokenize(" ".join(tokens)) == tokens, text
    assert tokenize("it's") == tokenize("it 's") and tokenize("isn't") == tokenize("is n't")


def test_sms_spam_counts(data_file):
    ds = read_tsv_labeled(data_file("sms_spam/SMSSpamCollection"))
    assert ds.label_names == ["ham", "spam"]
    assert ds.class_counts() == {"ham": 4827, "spam": 747}


def test_glue_tsv_with_header(data_file):
    ds = read_csv(data_file("sst2_glue/dev.tsv"), text_column="sentence", label_column="label")
    assert len(ds) == 872 and ds.label_names == ["0", "1"]
    train = read_csv(data_file("sst2_glue/train.tsv"), text_column="sentence", label_column="label")
    assert len(train) == 67349


# -------------------------------------------------------- small files made here
def write(tmp_path, name, content, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return path


def test_mr_splits_on_newline_only(tmp_path):
    # In cp1252 byte 0x85 is an ellipsis; decoded as latin-1 it would be "\x85", a line break to splitlines.
    write(tmp_path, "rt-polarity.pos", b"good \x85 really\nfine\n")
    write(tmp_path, "rt-polarity.neg", b"bad\r\n")
    ds = read_mr(tmp_path)
    assert ds.texts == ["bad", "good \u2026 really", "fine"] and ds.labels == [0, 1, 1]
    assert len(read_mr(tmp_path, encoding="latin-1")) == 3


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(DatasetError, match="rt-polarity.neg: no such file.*cornell"):
        read_mr(tmp_path)
    with pytest.raises(DatasetError, match="no such file"):
        read_sst(tmp_path / "nope.txt")
    with pytest.raises(DatasetError, match="the file is empty"):
        read_sst(write(tmp_path, "empty.txt", "\n\n"))
    with pytest.raises(DatasetError, match="is a folder"):
        read_sst(tmp_path)


def test_wrong_encoding_names_line_and_suggests_another(tmp_path):
    path = write(tmp_path, "sst.txt", "1 fine\n0 caf\u00e9 society\n", encoding="cp1252")
    with pytest.raises(DatasetError, match=r"sst\.txt, line 2: byte 0xe9 is not valid utf-8.*try cp1252 \(--encoding cp1252"):
        read_sst(path)
    assert read_sst(path, encoding="cp1252").texts[1] == "caf\u00e9 society"


def test_sst_errors_name_the_line(tmp_path):
    with pytest.raises(DatasetError, match="line 2: the sentence is empty"):
        read_sst(write(tmp_path, "a.txt", "1 good\n0 \n"))
    with pytest.raises(DatasetError, match="line 1: expected \"<label> <sentence>\""):
        read_sst(write(tmp_path, "b.txt", "positive good\n"))
    with pytest.raises(DatasetError, match=r"line 2: label 3 is outside the 2 classes"):
        read_sst(write(tmp_path, "c.txt", "1 good\n3 odd\n"), fine_grained=False)
    with pytest.raises(DatasetError, match="line 2: the line is empty"):
        read_sst(write(tmp_path, "d.txt", "1 good\n\n0 bad\n"))
    assert read_sst(write(tmp_path, "e.txt", "4 great\n0 awful\n")).label_names[4] == "very positive"


def test_tsv_labeled(tmp_path):
    path = write(tmp_path, "sms.txt", "spam\tWIN now\nham\thi there\n")
    ds = read_tsv_labeled(path)
    assert ds.label_names == ["ham", "spam"] and ds.labels == [1, 0] and ds.texts[0] == "WIN now"
    flipped = read_tsv_labeled(write(tmp_path, "f.txt", "WIN now\tspam\n"), label_first=False)
    assert flipped.texts == ["WIN now"] and flipped.label_names == ["spam"]
    with pytest.raises(DatasetError, match="line 2: no tab"):
        read_tsv_labeled(write(tmp_path, "g.txt", "ham\tok\nham no tab here\n"))
    with pytest.raises(DatasetError, match=r"line 2: label 'eggs' is not one of the classes \['ham', 'spam'\]"):
        read_tsv_labeled(write(tmp_path, "h.txt", "ham\tok\neggs\tno\n"), label_names=["ham", "spam"])
    with pytest.raises(DatasetError, match="line 1: the text is empty"):
        read_tsv_labeled(write(tmp_path, "i.txt", "ham\t \n"))


def test_csv_quoting_and_delimiter_from_extension(tmp_path):
    csv_path = write(tmp_path, "d.csv", 'id,text,label\n1,"good, really",pos\n2,bad,neg\n')
    ds = read_csv(csv_path, "text", "label")
    assert ds.texts == ["good, really", "bad"] and ds.label_names == ["neg", "pos"] and ds.labels == [1, 0]
    tsv_path = write(tmp_path, "d.tsv", 'sentence\tlabel\n"quoted start\t10\nplain\t2\n')
    ds = read_csv(tsv_path, "sentence", "label")
    assert ds.texts[0] == '"quoted start' and ds.label_names == ["2", "10"]  # numeric labels sort as numbers


def test_csv_errors(tmp_path):
    path = write(tmp_path, "d.csv", "sentence,label\nok,1\n")
    with pytest.raises(DatasetError, match=r"no column 'text' in the header; the columns are \['sentence', 'label'\]"):
        read_csv(path, "text", "label")
    with pytest.raises(DatasetError, match="line 3: 3 fields, but the header has 2"):
        read_csv(write(tmp_path, "e.csv", "text,label\nok,1\ntoo,many,2\n"), "text", "label")
    with pytest.raises(DatasetError, match="line 2: the text is empty"):
        read_csv(write(tmp_path, "g.csv", "text,label\n ,1\n"), "text", "label")
    with pytest.raises(DatasetError, match="no rows follow"):
        read_csv(write(tmp_path, "f.csv", "text,label\n"), "text", "label")


# ------------------------------------------------- byte-order marks, line endings, any labels
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
def test_line_endings_and_byte_order_marks_give_the_same_classes(tmp_path, ending, bom):
    lines = ["neg\tdull and slow", "pos\ta fine film", "neg\tnot good", "pos\tgood"]
    path = tmp_path / "d.tsv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ending.join(lines + [""]).encode())
    ds = read_tsv_labeled(path)
    assert ds.label_names == ["neg", "pos"] and ds.labels == [0, 1, 0, 1]
    assert ds.texts == ["dull and slow", "a fine film", "not good", "good"]


def test_a_byte_order_mark_is_not_part_of_a_csv_header(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(b"\xef\xbb\xbfsentence,label\r\na fine film,1\rdull,0\n")
    assert read_csv(path, "sentence", "label").labels == [1, 0]


def test_only_line_ends_split_lines(tmp_path):
    # "\x85" and "\u2028" are line breaks to str.splitlines, but can sit inside a sentence.
    path = write(tmp_path, "d.txt", "1 a\x85b\n0 c\u2028d\n")
    assert read_sst(path).texts == ["a\x85b", "c\u2028d"]


def test_labelled_reads_any_labels(tmp_path):
    path = write(tmp_path, "trec.txt", "DESC how did serfdom develop ?\nNUM\twhen was it ?\nDESC what is it ?\n")
    ds = read_labelled(path)
    assert ds.label_names == ["DESC", "NUM"] and ds.labels == [0, 1, 0]
    assert ds.texts == ["how did serfdom develop ?", "when was it ?", "what is it ?"]
    with pytest.raises(DatasetError, match="line 2: expected"):
        read_labelled(write(tmp_path, "bad.txt", "A fine\nB\n"))


def test_unknown_encoding_is_a_dataset_error(tmp_path):
    path = write(tmp_path, "d.txt", "1 fine\n")
    with pytest.raises(DatasetError, match="unknown encoding 'utf16le'.*utf-16-le"):
        read_sst(path, encoding="utf16le")
    (tmp_path / "d16.txt").write_bytes("1 fine\n".encode("utf-16-le"))
    assert read_sst(tmp_path / "d16.txt", encoding="utf-16-le").texts == ["fine"]


def test_a_csv_field_over_the_size_limit_says_why(tmp_path):
    path = write(tmp_path, "d.csv", 'sentence,label\n"an unclosed quote,1\n' + "x" * 140_000 + ",0\n")
    with pytest.raises(DatasetError, match=r"d\.csv, line \d+: cannot be read as CSV.*quote"):
        read_csv(path, "sentence", "label")
