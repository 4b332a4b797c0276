"""From text to numbers: tokenizer, vocabulary, padding, bag of words and pretrained vectors.

    from minigrad.text import Vocab, PadCollate
    vocab = Vocab.build(train_texts, min_freq=2)
    ids = vocab.encode("it isn't good !")
"""
from .bow import BagOfWords
from .padding import PadCollate, pad_sequences
from .tokenizer import tokenize
from .vectors import Coverage, VectorsError, load_vectors
from .vocab import PAD, UNK, Vocab

__all__ = ["BagOfWords", "Coverage", "PAD", "PadCollate", "UNK", "VectorsError", "Vocab", "load_vectors",
           "pad_sequences", "tokenize"]
