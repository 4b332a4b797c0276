"""Datasets for sentence classification: file readers, checked downloads and a synthetic corpus.

    from minigrad.datasets import read_sst, synthetic_sentiment
    train = read_sst("../shared/data/sst/stsa.binary.train")
    train.texts[0], train.labels[0], train.label_names
"""
from .conllu import UPOS_TAGS, Sentence, TaggedSentences, read_conllu
from .download import download, sha256_of
from .errors import DatasetError, DownloadError
from .readers import (MR_SHA256, MR_URL, TextDataset, check_encoding, read_csv, read_labelled, read_mr, read_sst,
                      read_tsv_labeled)
from .sst_trees import parse_sst_tree, read_sst_trees
from .synthetic import SyntheticSentiment, synthetic_sentiment

__all__ = ["DatasetError", "DownloadError", "MR_SHA256", "MR_URL", "SyntheticSentiment", "TextDataset",
           "check_encoding", "download", "read_csv", "read_labelled", "read_mr", "read_sst", "read_tsv_labeled",
           "sha256_of", "synthetic_sentiment", "parse_sst_tree", "read_sst_trees", "UPOS_TAGS", "Sentence",
           "TaggedSentences", "read_conllu"]
