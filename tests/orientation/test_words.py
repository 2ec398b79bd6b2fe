"""`orientation.words`: folding, singular, stop words, and reading misspellings against a vocabulary."""

from orientation.words import Reading, Vocabulary, content_words, normalize, tokens


def test_normalize_folds_accents_case_and_plural():
    assert [normalize(word) for word in ["Impôts", "TABLETTES", "bus", "œuvres", "adresse"]] == [
        "impot",
        "tablette",
        "bus",
        "oeuvre",
        "adresse",
    ]


def test_tokens_keep_hyphenated_words_whole_too():
    assert tokens("Mon e-mail, le Wi-Fi") == ["mon", "e", "mail", "email", "le", "wi", "fi", "wifi"]


def test_content_words_drop_the_words_of_a_question():
    assert content_words("Je n'arrive plus à ouvrir mes mails") == ["ouvrir", "mail"]
    assert content_words("Comment faire pour refaire ma carte grise ?") == ["carte", "grise"]


VOCABULARY = Vocabulary(["smartphone", "ordinateur", "impot", "tablette", "caf", "imprimante", "imprimer"])


def test_a_known_word_is_read_as_itself():
    assert VOCABULARY.read("tablette") == [Reading("tablette", "tablette", 1.0)]


def test_a_misspelling_is_read_as_the_close_word():
    assert [reading.as_word for reading in VOCABULARY.read("smartfone")] == ["smartphone"]
    assert [reading.as_word for reading in VOCABULARY.read("ordinatuer")] == ["ordinateur"]
    assert VOCABULARY.read("smartfone")[0].quality < 1


def test_a_shared_stem_reads_both_words():
    assert sorted(reading.as_word for reading in VOCABULARY.read("imprimez")) == ["imprimante", "imprimer"]


def test_short_or_far_words_are_not_guessed():
    assert VOCABULARY.read("cafe") == []
    assert VOCABULARY.read("xylophone") == []
