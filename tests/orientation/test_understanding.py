"""`orientation.understanding`: needs named by the lexicon's keywords, communes and periods in the text."""

from datetime import date

import pytest

from network.communes import Point
from orientation.index import get_index
from orientation.periods import read_period
from orientation.search import HelpQuery
from orientation.understanding import communes_in, understand

TODAY = date(2026, 12, 3)  # a Thursday


def slugs(text: str, **query) -> list[str]:
    understood = understand(HelpQuery(text=text, **query), get_index(), TODAY)
    return [need.slug for need in understood.question.needs]


@pytest.mark.django_db
class TestNeeds:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("refaire ma carte grise", ["carte-grise"]),
            ("je n'arrive plus à ouvrir mes mails", ["courriel"]),
            ("IMPOTS", ["impots"]),
            ("m'actualiser pole emploi", ["france-travail"]),
            ("smartfone", ["telephone"]),
            ("imprimer un document", ["imprimer"]),
            ("mon enfant et les écrans", ["enfant"]),
            ("arnaque au faux sms", ["securite"]),
            ("qui sait ce que signifie ANTS ?", ["carte-grise"]),
            ("cheque energie", ["cheque-energie"]),
            ("Carte Vitale", ["sante"]),
            ("courriels", ["courriel"]),
        ],
    )
    def test_everyday_words_name_a_need(self, text, expected):
        assert slugs(text) == expected

    def test_a_longer_keyword_covers_the_shorter_one(self):
        # « ordinateur reconditionné » (matériel) covers « ordinateur » (apprendre l'ordinateur).
        assert slugs("acheter un ordinateur reconditionné") == ["materiel"]

    def test_stop_words_count_inside_a_keyword(self):
        assert "materiel" in slugs("ordinateur pas cher")
        assert "materiel" not in slugs("ordinateur cher")

    def test_a_chosen_need_and_a_job_seeker_add_theirs(self):
        assert slugs("", needs=("wifi", "inconnu"), publics=frozenset({"emploi"})) == ["wifi", "emploi"]

    def test_a_need_named_by_more_words_weighs_more(self):
        understood = understand(HelpQuery(text="pas cher"), get_index(), TODAY)
        assert understood.question.need_weights == {"materiel": 1.5}


@pytest.mark.django_db
class TestCommunes:
    @pytest.mark.parametrize(
        ("text", "commune"),
        [
            ("atelier smartphone Issoudun", "Issoudun"),
            ("près d'issoudun", "Issoudun"),
            ("impôts au Blanc", "Le Blanc"),
            ("st amand montrond", "Saint-Amand-Montrond"),
            ("à La Riche", "La Riche"),
        ],
    )
    def test_a_commune_in_the_text(self, text, commune):
        point, _words = communes_in(text, set())
        assert point.label == commune

    def test_the_commune_words_are_not_matched(self):
        understood = understand(HelpQuery(text="tablette Vierzon"), get_index(), TODAY)
        assert understood.near.label == "Vierzon"
        assert [options[0].word for options in understood.question.readings] == ["tablette"]

    def test_a_commune_given_wins(self):
        given = Point(47.0, 2.0, "Bourges")
        assert understand(HelpQuery(text="tablette Vierzon", near=given), get_index(), TODAY).near == given


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("atelier la semaine prochaine", date(2026, 12, 7), date(2026, 12, 13), "la semaine prochaine"),
        ("cette semaine", TODAY, date(2026, 12, 6), "cette semaine"),
        ("ce week-end", date(2026, 12, 5), date(2026, 12, 6), "ce week-end"),
        ("aujourd'hui", TODAY, TODAY, "aujourd'hui"),
        ("demain matin", date(2026, 12, 4), date(2026, 12, 4), "demain"),
    ],
)
def test_periods(text, start, end, label):
    period = read_period(text, TODAY)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_no_period():
    assert read_period("après-demain", TODAY) is None
    assert read_period("carte grise", TODAY) is None
